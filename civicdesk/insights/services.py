"""Multi-step work of the insights app: storing a detection run, telling subscribers about new hotspots,
subscribing, and creating proactive work from a hotspot."""

from __future__ import annotations

import time
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdesk.jurisdictions.models import StaffMembership
from civicdesk.staff import access

from .detection import DEFAULT_THRESHOLDS, Detection, Finding, Thresholds, detect
from .models import DetectionRun, Hotspot, HotspotSubscription, ProactiveWork

Role = StaffMembership.Role

#: Seats that read insights: every seat but contractor (a contractor reaches only the requests assigned to
#: them, and a count over a grid cell would tell them about the others).
INSIGHT_ROLES = {Role.AGENT, Role.STAFF, Role.SUPERVISOR, Role.ADMIN}
#: Seats that may subscribe to new hotspots and create proactive work from one.
SUPERVISOR_ROLES = {Role.SUPERVISOR, Role.ADMIN}

EVENT = "insights.hotspot_new"
TEMPLATE = "insights/email/new_hotspot"
#: Kinds that are announced to subscribers (repeat locations are a standing list, not news).
ANNOUNCED = {Hotspot.Kind.CELL, Hotspot.Kind.DISTRICT, Hotspot.Kind.CITY}


# --- who sees what ---------------------------------------------------------------------------------------

def may_see_insights(user) -> bool:
    """True for superusers and anyone with a seat that reads insights."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_superuser or any(seat.role in INSIGHT_ROLES for seat in access.seats(user))


def may_supervise(user) -> bool:
    """True for superusers and supervisors or jurisdiction admins (subscribing, proactive work)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_superuser or any(seat.role in SUPERVISOR_ROLES for seat in access.seats(user))


def hotspots_visible_to(user, *, roles: set[str] | None = None):
    """The hotspots `user` may read: the staff console's request rules (jurisdiction, department or triage,
    private kinds of problem) applied to the hotspot's jurisdiction, department and kind of problem, through
    seats with one of `roles` (INSIGHT_ROLES by default)."""
    condition = access.visibility_q(user, roles=roles or INSIGHT_ROLES)
    queryset = Hotspot.objects.all()
    return queryset if condition is None else queryset.filter(condition)


def get_hotspot_for(user, pk: int, *, supervise: bool = False) -> Hotspot:
    """The hotspot for the insights pages; Http404 when the user may not see it, PermissionDenied when they
    may see it but not act on it (`supervise`)."""
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    access.require_staff(user)
    hotspot = (hotspots_visible_to(user).select_related("jurisdiction", "department", "service_type", "district")
               .filter(pk=pk).first())
    if hotspot is None:
        raise Http404(_("No hotspot you can see has that number."))
    if supervise and not hotspots_visible_to(user, roles=SUPERVISOR_ROLES).filter(pk=pk).exists():
        raise PermissionDenied(_("Only supervisors and administrators may do this."))
    return hotspot


# --- storing a run -------------------------------------------------------------------------------------

def run_detection(*, now=None, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> DetectionRun:
    """Detect and store: the periodic task and `manage.py detect_hotspots` call this. Safe to run twice (the
    second run finds the same places and only updates them)."""
    started = time.perf_counter()
    started_at = timezone.now()
    found = detect(now, thresholds)
    run = store_findings(found, started_at=started_at)
    run.seconds = time.perf_counter() - started
    run.finished_at = timezone.now()
    run.save(update_fields=["seconds", "finished_at"])
    return run


def store_findings(found: Detection, *, started_at=None) -> DetectionRun:
    """Turn one detection's findings into Hotspot rows, in one transaction.

    A place flagged again keeps its row (status `ongoing`, numbers and `last_seen` updated); a place flagged for
    the first time (or again after it was resolved) gets a new row with status `new`; an active row this run did
    not flag becomes `resolved`. Subscribers are told of the new rows (once per row and address, ever).
    """
    now = found.now
    with transaction.atomic():
        active = {(h.kind, h.jurisdiction_id, h.department_id, h.service_type_id, h.key): h
                  for h in Hotspot.objects.select_for_update().filter(status__in=Hotspot.ACTIVE)}
        created: list[Hotspot] = []
        seen = set()
        for finding in found.findings:
            identity = finding.identity()
            if identity in seen:
                continue
            seen.add(identity)
            hotspot = active.pop(identity, None)
            if hotspot is None:
                hotspot = Hotspot(first_seen=now, status=Hotspot.State.NEW)
                created.append(hotspot)
            elif hotspot.last_seen < now:
                hotspot.status = Hotspot.State.ONGOING
            _fill(hotspot, finding, found)
            hotspot.last_seen = max(now, hotspot.last_seen or now)
            hotspot.save()
        for hotspot in active.values():
            hotspot.status = Hotspot.State.RESOLVED
            hotspot.resolved_at = now
            hotspot.save(update_fields=["status", "resolved_at"])
        run = DetectionRun.objects.create(started_at=started_at or timezone.now(), as_of=now, tested=found.tested,
                                          flagged=len(seen), new=len(created), resolved=len(active))
        tell_subscribers([h for h in created if h.kind in ANNOUNCED])
    return run


def _fill(hotspot: Hotspot, finding: Finding, found: Detection) -> None:
    hotspot.kind = finding.kind
    hotspot.jurisdiction_id = finding.jurisdiction_id
    hotspot.department_id = finding.department_id
    hotspot.service_type_id = finding.service_type_id
    hotspot.district_id = finding.district_id
    hotspot.key = finding.key
    hotspot.label = finding.label
    hotspot.lat, hotspot.long = finding.lat, finding.long
    hotspot.south, hotspot.west, hotspot.north, hotspot.east = finding.bounds or (None, None, None, None)
    repeat = finding.kind == Hotspot.Kind.REPEAT
    hotspot.window_start = found.repeat_start if repeat else found.window_start
    hotspot.window_end = found.now
    hotspot.baseline_start = None if repeat else found.baseline_start
    hotspot.observed, hotspot.baseline = finding.observed, finding.baseline
    hotspot.expected, hotspot.p_value, hotspot.q_value = finding.expected, finding.p_value, finding.q_value


# --- subscriptions -----------------------------------------------------------------------------------------

def tell_subscribers(hotspots: Iterable[Hotspot]) -> int:
    """Queue an email (and whatever channels each person chose) about each new hotspot to every subscriber
    whose subscription matches it and who may see it; key `hotspot:<id>:new`, so never twice. Returns the
    number of deliveries queued."""
    from civicdesk.notifications.services import notify
    from civicdesk.subscriptions.services import recipients_for_users

    hotspots = list(hotspots)
    if not hotspots:
        return 0
    subscriptions = list(HotspotSubscription.objects.select_related("user")
                         .filter(user__is_active=True, jurisdiction_id__in={h.jurisdiction_id for h in hotspots}))
    visible: dict[int, set[int]] = {}
    for subscription in subscriptions:
        user = subscription.user
        if user.pk not in visible:
            visible[user.pk] = set(hotspots_visible_to(user).filter(pk__in=[h.pk for h in hotspots])
                                   .values_list("pk", flat=True))
    queued = 0
    for hotspot in hotspots:
        people = {s.user.pk: s.user for s in subscriptions if s.matches(hotspot) and hotspot.pk in visible[s.user.pk]}
        if not people:
            continue
        queued += notify(event=EVENT, key=f"hotspot:{hotspot.pk}:new",
                         recipients=recipients_for_users(sorted(people.values(), key=lambda u: u.pk)),
                         template=TEMPLATE, scope="staff", context={"hotspot": hotspot})
    return queued


def subscribe(user, *, jurisdiction, department=None, service_type=None) -> HotspotSubscription:
    """Subscribe `user` to new hotspots (idempotent); audited on the jurisdiction."""
    from django.db import IntegrityError

    values = {"user": user, "jurisdiction": jurisdiction, "department": department, "service_type": service_type}
    existing = HotspotSubscription.objects.filter(**values).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            subscription = HotspotSubscription.objects.create(**values)
            jurisdiction.log_action("insights.subscribed", user=user, data={
                "subscription": subscription.pk, "department": getattr(department, "pk", None),
                "service_code": getattr(service_type, "code", None)})
    except IntegrityError:  # the same form sent twice at once
        return HotspotSubscription.objects.get(**values)
    return subscription


def unsubscribe(user, subscription: HotspotSubscription) -> None:
    """End one of the user's own subscriptions; audited on the jurisdiction."""
    with transaction.atomic():
        subscription.jurisdiction.log_action("insights.unsubscribed", user=user, data={
            "subscription": subscription.pk, "department": subscription.department_id,
            "service_type": subscription.service_type_id})
        subscription.delete()


# --- proactive work ---------------------------------------------------------------------------------------

class AlreadyCreated(Exception):
    """The hotspot has its proactive request already (`work` is it)."""

    def __init__(self, work: ProactiveWork):
        super().__init__(str(work))
        self.work = work


def suggested_description(hotspot: Hotspot) -> str:
    """A first draft of the proactive request's description, in the active language."""
    values = {"service": hotspot.service_type.name, "count": hotspot.observed, "days": hotspot.window_days(),
              "place": hotspot.place_name()}
    if hotspot.kind == Hotspot.Kind.REPEAT:
        return _("Proactive work: %(service)s reported %(count)s times at %(place)s in the last %(days)s days. "
                 "Inspect the whole property and fix the cause.") % values
    if hotspot.kind == Hotspot.Kind.CELL:
        return _("Proactive work: %(count)s %(service)s reports around %(place)s in the last %(days)s days. "
                 "Treat the whole block and the alleys around it.") % values
    return _("Proactive work: %(service)s reports in %(place)s are well above usual (%(count)s in the last "
             "%(days)s days). Plan a sweep of the area.") % values


def work_location(hotspot: Hotspot) -> tuple[float, float]:
    """Where the proactive request is pinned: the middle of the reports counted (so it falls where the
    problem is, not in the corner of a grid cell); the hotspot's own point when there are none."""
    from django.db.models import Avg

    middle = hotspot.requests().aggregate(lat=Avg("lat"), long=Avg("long"))
    if middle["lat"] is not None:
        return middle["lat"], middle["long"]
    if hotspot.lat is not None:
        return hotspot.lat, hotspot.long
    raise ValueError("A city-wide spike has no single place.")


def create_proactive_request(hotspot: Hotspot, *, user, description: str, attributes: dict | None = None):
    """File one staff-originated request for `hotspot` through `submit_request` (routed like any other),
    link it to the hotspot, and audit both. Raises AlreadyCreated when the hotspot has its request already (a
    double click: the row lock and the one-to-one link make the second call find the first's request), and
    servicerequests' RequestRejected for anything the submission refuses."""
    from civicdesk.servicerequests import services as sr_services

    with transaction.atomic():
        locked = Hotspot.objects.select_for_update().get(pk=hotspot.pk)
        existing = ProactiveWork.objects.filter(hotspot=locked).select_related("request").first()
        if existing is not None:
            raise AlreadyCreated(existing)
        lat, long = work_location(locked)
        request = sr_services.submit_request(
            service_type=locked.service_type, lat=lat, long=long, description=description,
            attributes=attributes or {}, reporter=user, actor=user, not_emergency=True,
            language=getattr(user, "language", "") or "en", client_name="CivicDesk insights",
            jurisdiction=locked.jurisdiction)
        work = ProactiveWork.objects.create(hotspot=locked, request=request, created_by=user)
        sr_services.add_internal_note(request, user=user, message=_(
            "Proactive work created from hotspot #%(id)s (%(kind)s: %(count)s reports, %(place)s).")
            % {"id": locked.pk, "kind": locked.get_kind_display(), "count": locked.observed,
               "place": locked.place_name()})
        locked.log_action("insights.proactive_request_created", user=user, data={
            "request": request.public_id, "hotspot": locked.pk})
    return work
