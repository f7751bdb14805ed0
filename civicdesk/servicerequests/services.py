"""The one way requests are created and changed: every channel and the staff console call these."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext

from civicdesk.catalog.models import ServiceType, Status
from civicdesk.catalog.services import initial_status, jurisdiction_ids, questions, route
from civicdesk.jurisdictions import services as places
from civicdesk.lib import geo, phones
from civicdesk.lib.ids import new_public_id
from civicdesk.lib.media import MediaError, ProcessedMedia, process_upload
from civicdesk.throttle.services import Limit, check
from civicdesk.triage.services import detect_emergency, nearest_open

from . import signals
from .models import Attachment, Channel, ServiceRequest, Support, TimelineEntry

log = logging.getLogger(__name__)


class RequestRejected(Exception):
    """The submission cannot be accepted. `errors` maps a field name to resident-readable messages."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("; ".join(m for msgs in errors.values() for m in msgs))
        self.errors = errors


class EmergencyReported(RequestRejected):
    """The report reads like an emergency; the resident must call the emergency number."""

    def __init__(self, phrases: list[str], number: str = "911"):
        self.phrases = phrases
        self.number = number
        super().__init__({"description": [
            gettext("This sounds like an emergency. Call %(number)s now.") % {"number": number}
        ]})


class AddressNotResolved(RequestRejected):
    """A typed address matched no single address with confidence. `lookup` holds the "did you mean" choices."""

    def __init__(self, lookup):
        from civicdesk.jurisdictions.addresses import lookup_message

        self.lookup = lookup
        message = lookup_message(lookup)
        if lookup.candidates:
            message += " " + "; ".join(c.label for c in lookup.candidates)
        super().__init__({"location": [message]})


class TransitionNotAllowed(Exception):
    """The configured statuses do not allow this move."""


@dataclass
class ResolvedLocation:
    lat: float
    long: float
    address: str
    address_id: str
    jurisdiction: Any
    district: Any


def resolve_location(*, lat=None, long=None, address: str = "", address_id: str = "") -> ResolvedLocation:
    """Turn a pin, an address id or a typed address into a point inside a jurisdiction.

    A pin wins over an address; a pin near a known address takes that address
    when none was given. A typed address must resolve to one clear address
    (jurisdictions/addresses.py): otherwise AddressNotResolved (a RequestRejected
    with a "location" message) carries the "did you mean" candidates.
    """
    address = (address or "").strip()
    address_id = (address_id or "").strip()
    if lat is None or long is None:
        point = None
        if address_id:
            point = places.AddressPoint.objects.filter(address_id=address_id).first()
            if point is None:
                raise RequestRejected({"location": [gettext("We do not know the address id %s.") % address_id]})
        elif address:
            lookup = places.lookup_address(address)
            if lookup.resolved is None:
                raise AddressNotResolved(lookup)
            point = lookup.resolved
            address = lookup.candidates[0].label
        else:
            raise RequestRejected({"location": [gettext("Tell us where the problem is: drop a pin or type an address.")]})
        lat, long = point.lat, point.long
        if address_id:
            # The building's address may stand for a point listed by its units (the "Is this right?" step).
            from civicdesk.jurisdictions.addresses import building_label

            address = address if address in (point.full_address, building_label(point)) else point.full_address
        address_id = point.address_id
    else:
        try:
            lat, long = float(lat), float(long)
        except (TypeError, ValueError):
            raise RequestRejected({"location": [gettext("The location is not a valid map position.")]}) from None
        if not geo.valid_point(lat, long):
            raise RequestRejected({"location": [gettext("The location is not a valid map position.")]})
        if not address:
            nearest = places.nearest_address(lat, long)
            if nearest is not None:
                address, address_id = nearest.full_address, nearest.address_id
    where = places.locate(lat, long)
    if where.jurisdiction is None:
        from civicdesk.cities import city

        raise RequestRejected({"location": [city().outside_area_message()]})
    return ResolvedLocation(lat, long, address[:255], address_id[:64], where.jurisdiction, where.district)


def clean_attributes(service_type: ServiceType, answers: dict[str, Any]) -> dict[str, Any]:
    """Validate answers to the type's questions; unknown codes are ignored. Raises RequestRejected."""
    cleaned, errors = {}, {}
    for attribute in questions(service_type):
        try:
            value = attribute.clean_answer(answers.get(attribute.code))
        except ValidationError as exc:
            errors[f"attribute[{attribute.code}]"] = list(exc.messages)
            continue
        if value is not None:
            cleaned[attribute.code] = value
    if errors:
        raise RequestRejected(errors)
    return cleaned


def _check_contact(service_type: ServiceType, *, reporter, name: str, email: str, phone: str) -> None:
    errors: dict[str, list[str]] = {}
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = [gettext("Enter a valid email address, like name@example.com.")]
    if phone:
        try:
            phones.normalise(phone)
        except phones.PhoneError as exc:
            errors["phone"] = [str(exc)]
    has_account = reporter is not None and reporter.is_authenticated
    if service_type.requires_name and not (name or (has_account and reporter.get_full_name())):
        errors.setdefault("name", []).append(gettext("Please give your name for this kind of request."))
    if service_type.requires_email and not (email or has_account):
        errors.setdefault("email", []).append(gettext("Please give your email address for this kind of request."))
    if service_type.requires_phone and not phone:
        errors.setdefault("phone", []).append(gettext("Please give your phone number for this kind of request."))
    if not service_type.allow_anonymous and not (has_account or email or phone):
        errors.setdefault("email", []).append(
            gettext("This kind of request cannot be anonymous: give an email address or phone number."))
    if errors:
        raise RequestRejected(errors)


def process_uploads(uploads: Sequence) -> list[ProcessedMedia]:
    """Validate and re-encode every upload before anything is saved. Raises RequestRejected."""
    from django.conf import settings

    processed, errors = [], []
    for upload in uploads:
        try:
            processed.append(process_upload(upload))
        except MediaError as exc:
            errors.append(f"{getattr(upload, 'name', '')}: {exc}".lstrip(": "))
    photos = sum(1 for m in processed if m.kind == "photo")
    videos = sum(1 for m in processed if m.kind == "video")
    if photos > settings.MAX_PHOTOS_PER_REQUEST:
        errors.append(gettext("Attach at most %d photos.") % settings.MAX_PHOTOS_PER_REQUEST)
    if videos > 1:
        errors.append(gettext("Attach at most one video."))
    if errors:
        raise RequestRejected({"media": errors})
    return processed


def _save_attachments(request: ServiceRequest, media: Iterable[ProcessedMedia], saved: list[str]) -> None:
    for index, item in enumerate(media, start=1):
        attachment = Attachment(request=request, kind=item.kind, content_type=item.content_type,
                                width=item.width, height=item.height, size=len(item.content))
        attachment.file.save(f"{item.kind}-{index}.{item.extension}", ContentFile(item.content), save=False)
        saved.append(attachment.file.name)
        if item.thumbnail:
            attachment.thumbnail.save(f"{item.kind}-{index}-thumb.jpg", ContentFile(item.thumbnail), save=False)
            saved.append(attachment.thumbnail.name)
        attachment.save()


@dataclass
class Submission:
    """What a channel hands to submit_request(), already parsed from its own format."""

    service_type: ServiceType
    channel: str = Channel.WEB
    lat: float | None = None
    long: float | None = None
    address: str = ""
    address_id: str = ""
    description: str = ""
    attributes: dict[str, Any] = field(default_factory=dict)
    reporter: Any = None
    contact_name: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    language: str = "en"
    uploads: Sequence = ()
    media_url: str = ""
    not_emergency: bool = False
    device_id: str = ""
    client_name: str = ""
    actor: Any = None
    requested_at: Any = None
    #: When set (Open311's jurisdiction_id), the location must lie in this jurisdiction.
    jurisdiction: Any = None
    #: Channels on which the reporter is already given the tracking number by the channel itself (an SMS
    #: conversation answers with it): the acknowledgement is not sent on them again.
    acknowledged_on: frozenset[str] = frozenset()
    #: Rate limits (throttle.Limit) the report counts against, checked in the submission's own transaction
    #: (one commit per report): over one, RateLimited (with `limit_message`) is raised and nothing is saved
    #: or counted. A report refused for any other reason does not count either.
    limits: Sequence[Limit] = ()
    limit_message: str | None = None
    #: Called with the new request inside the submission's transaction, once its rows are written: what the
    #: channel records about the report itself (the web form's "just submitted" mark in the session) commits
    #: with it, one commit per report, and is never written for a report that rolled back.
    on_saved: Callable[[Any], None] | None = None


def submit_request(submission: Submission | None = None, **kwargs: Any) -> ServiceRequest:
    """Validate, route and save a new request with its first timeline entries, in one transaction.

    Pass a Submission or its fields as keywords. Raises EmergencyReported when
    the text reads like an emergency (unless `not_emergency`), RequestRejected
    for anything else wrong; in both cases nothing is saved. On success the
    acknowledgement task is enqueued in the same transaction.
    """
    sub = submission or Submission(**kwargs)
    service_type = sub.service_type
    if service_type is None or not service_type.is_active:
        raise RequestRejected({"service_code": [gettext("Choose a kind of problem from the list.")]})
    description = (sub.description or "").strip()
    if len(description) > 5000:
        raise RequestRejected({"description": [gettext("Keep the description under 5,000 characters.")]})
    where = resolve_location(lat=sub.lat, long=sub.long, address=sub.address, address_id=sub.address_id)
    if sub.jurisdiction is not None and where.jurisdiction.pk != sub.jurisdiction.pk:
        raise RequestRejected({"location": [gettext("This location is served by %(found)s, not by %(asked)s.")
                                            % {"found": where.jurisdiction.name, "asked": sub.jurisdiction.name}]})
    handled_by = jurisdiction_ids(service_type)
    if handled_by and where.jurisdiction.pk not in handled_by:
        raise RequestRejected({"service_code": [gettext("%(service)s is not handled by %(place)s. Choose another "
                                                        "kind of problem.") % {"service": service_type.name,
                                                                               "place": where.jurisdiction.name}]})
    attributes = clean_attributes(service_type, sub.attributes or {})
    texts = [description, service_type.name] + [v for v in attributes.values() if isinstance(v, str)]
    emergency = detect_emergency(*texts)
    if emergency.stop and not sub.not_emergency:
        raise EmergencyReported(emergency.stop, where.jurisdiction.emergency_number)
    # Accepted although it reads like one (confirmed "not an emergency", or matched only loosely): triage flag.
    possible_emergency = emergency.stop + emergency.flag
    email = (sub.contact_email or "").strip().lower()
    phone = (sub.contact_phone or "").strip()
    name = (sub.contact_name or "").strip()
    _check_contact(service_type, reporter=sub.reporter, name=name, email=email, phone=phone)
    phone = phones.normalise(phone)
    media = process_uploads(sub.uploads)

    now = sub.requested_at or timezone.now()
    initial = initial_status()
    decision = route(jurisdiction=where.jurisdiction, service_type=service_type, lat=where.lat, long=where.long,
                     district_id=where.district.pk if where.district else None)
    expected = None
    if service_type.sla_hours:
        expected = places.business_calendar(where.jurisdiction).add_business_hours(now, service_type.sla_hours)
    duplicates = [public_id for _, public_id, _ in nearest_open(service_type=service_type, lat=where.lat,
                                                                    long=where.long)]
    reporter = sub.reporter if (sub.reporter is not None and sub.reporter.is_authenticated) else None
    if reporter is not None:
        email = email or reporter.email
        name = name or reporter.get_full_name()

    saved_files: list[str] = []
    # The tracking number is random (lib/ids.py): the unique index, not a look-up first, proves it unused; on
    # the rare collision (40 random bits) the whole transaction is tried again with another number.
    for attempt in range(1, 4):
        public_id = new_public_id()
        try:
            with transaction.atomic():
                if sub.limits:
                    check(*sub.limits, message=sub.limit_message)
                request = ServiceRequest.objects.create(
                    public_id=public_id, jurisdiction=where.jurisdiction, service_type=service_type, status=initial,
                    is_open=initial.is_open, priority=service_type.default_priority, description=description,
                    attributes=attributes, lat=where.lat, long=where.long, address=where.address,
                    address_id=where.address_id, district=where.district, channel=sub.channel, reporter=reporter,
                    contact_name=name[:120], contact_email=email, contact_phone=phone,
                    language=sub.language or "en", device_id=(sub.device_id or "")[:120],
                    client_name=(sub.client_name or "")[:120], department_id=decision.department_id,
                    team_id=decision.team_id, assignee_id=decision.assignee_id, routing_rule=decision.rule,
                    routing_note=decision.note[:255], requested_at=now, updated_at=now, expected_at=expected,
                    media_url=(sub.media_url or "")[:500], is_private=service_type.is_private,
                    possible_emergency=bool(possible_emergency),
                )
                TimelineEntry.objects.bulk_create([
                    TimelineEntry(request=request, kind=TimelineEntry.Kind.SUBMITTED, is_public=True,
                                  status_to=initial, created_at=now,
                                  message=gettext("Request received via %s.") % request.get_channel_display(),
                                  message_code="received_via", message_params={"channel": request.channel},
                                  author=sub.actor if getattr(sub.actor, "is_authenticated", False) else None),
                    TimelineEntry(request=request, kind=TimelineEntry.Kind.ROUTED, is_public=False, created_at=now,
                                  message=decision.note, data={
                                      "rule": decision.rule.pk if decision.rule else None,
                                      "possible_duplicates": duplicates,
                                  }),
                ])
                if possible_emergency:
                    TimelineEntry.objects.create(
                        request=request, kind=TimelineEntry.Kind.INTERNAL_NOTE, is_public=False, created_at=now,
                        message=_possible_emergency_note(possible_emergency, confirmed=sub.not_emergency),
                        data={"possible_emergency": possible_emergency, "confirmed_not_emergency": sub.not_emergency})
                _save_attachments(request, media, saved_files)
                request.log_action("servicerequest.submitted", user=sub.actor, data={
                    "channel": sub.channel, "service_code": service_type.code, "routing": decision.note,
                })
                signals.request_submitted.send(sender=ServiceRequest, request=request,
                                               acknowledged_on=frozenset(sub.acknowledged_on))
                if sub.on_saved is not None:
                    sub.on_saved(request)
            break
        except IntegrityError:
            _delete_files(saved_files)
            saved_files = []
            if attempt == 3 or not ServiceRequest.objects.filter(public_id=public_id).exists():
                raise
        except Exception:
            _delete_files(saved_files)
            raise
    return request


def _possible_emergency_note(phrases: list[str], *, confirmed: bool) -> str:
    """The internal timeline text of the triage flag, in the staff's words."""
    quoted = ", ".join(f"“{phrase}”" for phrase in phrases)
    if confirmed:
        return gettext("Possible emergency: the reporter confirmed it is not an emergency, but the report matches "
                       "%(phrases)s. Check it first.") % {"phrases": quoted}
    return gettext("Possible emergency: the report loosely matches %(phrases)s. Check it first.") % {"phrases": quoted}


def _delete_files(names: list[str]) -> None:
    from django.core.files.storage import default_storage

    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            log.warning("could not remove orphaned upload %s", name)


def transition(request: ServiceRequest, to_status: Status, *, user=None, message: str = "",
               public: bool = True, force: bool = False) -> TimelineEntry:
    """Move a request to another status, as the configured transitions allow.

    Writes a timeline entry (public unless `public=False`) with the message,
    an audit entry, and enqueues the status notification. Closing sets
    `closed_at`; reopening clears it. `force` skips the transition table (system
    repairs only). Raises TransitionNotAllowed.
    """
    with transaction.atomic():
        locked = ServiceRequest.objects.select_for_update(of=("self",)).select_related("status").get(pk=request.pk)
        current = locked.status
        if current.pk == to_status.pk:
            raise TransitionNotAllowed(gettext("The request is already “%s”.") % current.name)
        if not force and not current.can_move_to(to_status):
            raise TransitionNotAllowed(gettext("A request cannot move from “%(a)s” to “%(b)s”.")
                                       % {"a": current.name, "b": to_status.name})
        now = timezone.now()
        locked.status = to_status
        locked.is_open = to_status.is_open
        locked.updated_at = now
        if to_status.is_open:
            locked.closed_at = None
        elif current.is_open:
            locked.closed_at = now
        locked.save(update_fields=["status", "is_open", "updated_at", "closed_at"])
        entry = TimelineEntry.objects.create(
            request=locked, kind=TimelineEntry.Kind.STATUS, is_public=public, message=message.strip(),
            author=user if getattr(user, "is_authenticated", False) else None,
            status_from=current, status_to=to_status, created_at=now,
        )
        reopened = to_status.is_open and not current.is_open
        locked.log_action("servicerequest.reopened" if reopened else "servicerequest.status_changed", user=user,
                          data={"from": current.code, "to": to_status.code, "message": message, "public": public})
        signals.status_changed.send(sender=ServiceRequest, request=locked, entry=entry, previous=current,
                                    closed=current.is_open and not to_status.is_open, reopened=reopened,
                                    user=_actor(user))
    request.refresh_from_db()
    return entry


def add_note(request: ServiceRequest, *, message: str, user=None, public: bool = True) -> TimelineEntry:
    """Add a note to the request's timeline (a public update unless `public=False`).

    Bumps `updated_at` and writes an audit entry. Raises RequestRejected when
    the message is empty.
    """
    message = (message or "").strip()
    if not message:
        raise RequestRejected({"message": [gettext("Write the update first.")]})
    with transaction.atomic():
        now = timezone.now()
        ServiceRequest.objects.filter(pk=request.pk).update(updated_at=now)
        entry = TimelineEntry.objects.create(
            request=request, kind=TimelineEntry.Kind.PUBLIC_NOTE if public else TimelineEntry.Kind.INTERNAL_NOTE,
            is_public=public, message=message, created_at=now,
            author=user if getattr(user, "is_authenticated", False) else None,
        )
        request.log_action("servicerequest.note_added", user=user, data={"entry": entry.pk, "public": public})
        if public:
            signals.public_update.send(sender=ServiceRequest, request=request, entry=entry, user=_actor(user))
    request.updated_at = now
    return entry


def assign(request: ServiceRequest, *, user=None, assignee=None, team=None) -> TimelineEntry:
    """Give the request to a person and/or a team of its department; writes timeline and audit entries."""
    if team is not None and request.department_id and team.department_id != request.department_id:
        raise RequestRejected({"team": [gettext("That team is in another department.")]})
    with transaction.atomic():
        now = timezone.now()
        before = {"assignee": request.assignee_id, "team": request.team_id}
        request.assignee = assignee
        if team is not None:
            request.team = team
        request.updated_at = now
        request.save(update_fields=["assignee", "team", "updated_at"])
        who = (str(assignee) if assignee else gettext("nobody")) + (f" ({team.name})" if team else "")
        entry = TimelineEntry.objects.create(
            request=request, kind=TimelineEntry.Kind.ASSIGNED, is_public=False, created_at=now,
            author=user if getattr(user, "is_authenticated", False) else None,
            message=gettext("Assigned to %s") % who,
            data={"assignee": assignee.pk if assignee else None, "team": team.pk if team else None},
        )
        request.log_action("servicerequest.assigned", user=user, data={
            "before": before, "assignee": assignee.pk if assignee else None, "team": request.team_id})
        signals.request_assigned.send(sender=ServiceRequest, request=request, entry=entry, assignee=assignee,
                                      team=team, user=_actor(user))
    return entry


def support(request: ServiceRequest, *, user=None, session_key: str = "", client: str = "") -> bool:
    """Count one more resident affected by an open request; False when they already had.

    With `client` (the web visitor's address from throttle.client_ip()), a new supporter counts against
    SUPPORTS_PER_CLIENT_PER_REQUEST_PER_DAY and SUPPORTS_PER_CLIENT_PER_HOUR, so fresh sessions cannot
    inflate a request; over either, RateLimited is raised and nothing is counted.
    """
    if not request.is_open:
        raise RequestRejected({"request": [gettext("This request is already closed.")]})
    user = user if getattr(user, "is_authenticated", False) else None
    if user is None and not session_key:
        raise RequestRejected({"request": [gettext("We could not record your support; please try again.")]})
    with transaction.atomic():
        lookup = {"user": user} if user else {"user": None, "session_key": session_key}
        _, created = Support.objects.get_or_create(request=request, **lookup)
        if not created:
            return False
        if client:
            check(Limit(f"support:client:{client}:request:{request.pk}",
                        settings.SUPPORTS_PER_CLIENT_PER_REQUEST_PER_DAY, 24 * 3600),
                  Limit(f"support:client:{client}", settings.SUPPORTS_PER_CLIENT_PER_HOUR, 3600),
                  message=gettext("Many people on this connection have already said this affects them. "
                                  "Thank you: the crew knows it matters."))
        ServiceRequest.objects.filter(pk=request.pk).update(supporters_count=F("supporters_count") + 1)
        TimelineEntry.objects.create(request=request, kind=TimelineEntry.Kind.SUPPORTED, is_public=True,
                                     message=gettext("Another resident reported this problem too."),
                                     message_code="supported")
        request.log_action("servicerequest.supported", user=user)
    request.refresh_from_db(fields=["supporters_count"])
    return True



# --- Staff console actions: each writes a timeline entry and an audit entry in one transaction. ---


def _actor(user):
    return user if getattr(user, "is_authenticated", False) else None


def add_internal_note(request: ServiceRequest, *, message: str, user=None, mentioned: Iterable = ()) -> TimelineEntry:
    """Add a staff-only note, recording the ids of the colleagues it @mentions in `data["mentions"]`.

    Raises RequestRejected when the message is empty.
    """
    message = (message or "").strip()
    if not message:
        raise RequestRejected({"message": [gettext("Write the note first.")]})
    mention_ids = sorted({person.pk for person in mentioned})
    with transaction.atomic():
        now = timezone.now()
        ServiceRequest.objects.filter(pk=request.pk).update(updated_at=now)
        entry = TimelineEntry.objects.create(
            request=request, kind=TimelineEntry.Kind.INTERNAL_NOTE, is_public=False, message=message,
            created_at=now, author=_actor(user), data={"mentions": mention_ids},
        )
        request.log_action("servicerequest.note_added", user=user,
                           data={"entry": entry.pk, "public": False, "mentions": mention_ids})
        if mention_ids:
            signals.staff_mentioned.send(sender=ServiceRequest, request=request, entry=entry,
                                         mentioned=list(mentioned), user=_actor(user))
    request.updated_at = now
    return entry


def transfer(request: ServiceRequest, *, department, user=None, reason: str) -> TimelineEntry:
    """Hand the request to another department, in this or another jurisdiction, with a reason.

    Clears the team and assignee (they belong to the old department) and the
    district when the jurisdiction changes. The internal ROUTED entry carries
    `data["transfer"]` so the receiving queue can show it as transferred in.
    Raises RequestRejected without a reason or when nothing would change.
    """
    reason = (reason or "").strip()
    if not reason:
        raise RequestRejected({"reason": [gettext("Say why you are transferring this request.")]})
    if department.pk == request.department_id:
        raise RequestRejected({"department": [gettext("The request is already with %s.") % department.name]})
    with transaction.atomic():
        locked = ServiceRequest.objects.select_for_update(of=("self",)).select_related("department", "jurisdiction", "district"
                                                                          ).get(pk=request.pk)
        before = {"department": locked.department_id, "jurisdiction": locked.jurisdiction_id,
                  "team": locked.team_id, "assignee": locked.assignee_id}
        from_name = locked.department.name if locked.department else gettext("triage")
        now = timezone.now()
        locked.department = department
        locked.jurisdiction_id = department.jurisdiction_id
        if locked.district is not None and locked.district.jurisdiction_id != department.jurisdiction_id:
            locked.district = None
        locked.team = None
        locked.assignee = None
        locked.routing_rule = None
        locked.routing_note = (gettext("Transferred from %(a)s to %(b)s")
                               % {"a": from_name, "b": department.name})[:255]
        locked.updated_at = locked.transferred_at = now
        locked.save(update_fields=["department", "jurisdiction", "district", "team", "assignee", "routing_rule",
                                   "routing_note", "updated_at", "transferred_at"])
        entry = TimelineEntry.objects.create(
            request=locked, kind=TimelineEntry.Kind.ROUTED, is_public=False, created_at=now, author=_actor(user),
            message=gettext("Transferred from %(a)s to %(b)s: %(reason)s")
            % {"a": from_name, "b": department.name, "reason": reason},
            data={"transfer": True, "from_department": before["department"], "to_department": department.pk,
                  "from_jurisdiction": before["jurisdiction"], "to_jurisdiction": department.jurisdiction_id,
                  "reason": reason},
        )
        locked.log_action("servicerequest.transferred", user=user, data={
            "before": before, "department": department.pk, "jurisdiction": department.jurisdiction_id,
            "reason": reason})
        signals.request_transferred.send(sender=ServiceRequest, request=locked, entry=entry, department=department,
                                         user=_actor(user))
    request.refresh_from_db()
    return entry


def set_priority(request: ServiceRequest, *, priority: int, user=None) -> TimelineEntry:
    """Change the request's priority (a catalog.Priority value). Raises RequestRejected for no change."""
    from civicdesk.catalog.models import Priority

    if priority not in Priority.values:
        raise RequestRejected({"priority": [gettext("Choose a priority from the list.")]})
    if priority == request.priority:
        raise RequestRejected({"priority": [gettext("The request already has that priority.")]})
    with transaction.atomic():
        now = timezone.now()
        before = request.priority
        request.priority = priority
        request.updated_at = now
        request.save(update_fields=["priority", "updated_at"])
        entry = TimelineEntry.objects.create(
            request=request, kind=TimelineEntry.Kind.INTERNAL_NOTE, is_public=False, created_at=now,
            author=_actor(user), message=gettext("Priority changed from %(a)s to %(b)s")
            % {"a": Priority(before).label, "b": Priority(priority).label},
            data={"priority": {"from": before, "to": priority}},
        )
        request.log_action("servicerequest.priority_changed", user=user, data={"from": before, "to": priority})
    return entry


def change_category(request: ServiceRequest, *, service_type: ServiceType, user=None) -> TimelineEntry:
    """Change the service type and route the request again as if it had been filed under it.

    The SLA due time is recomputed from the original request time. Raises
    RequestRejected when the type is the same or not offered in the jurisdiction.
    """
    if service_type.pk == request.service_type_id:
        raise RequestRejected({"service_type": [gettext("The request already has that kind.")]})
    offered = service_type.jurisdictions.all()
    if offered.exists() and not offered.filter(pk=request.jurisdiction_id).exists():
        raise RequestRejected({"service_type": [gettext("That kind of request is not handled here.")]})
    decision = route(jurisdiction=request.jurisdiction, service_type=service_type, lat=request.lat,
                     long=request.long, district_id=request.district_id)
    with transaction.atomic():
        now = timezone.now()
        before = {"service_type": request.service_type_id, "department": request.department_id}
        request.service_type = service_type
        request.department_id = decision.department_id
        request.team_id = decision.team_id
        request.assignee_id = decision.assignee_id
        request.routing_rule = decision.rule
        request.routing_note = decision.note[:255]
        request.expected_at = (request.jurisdiction.calendar().add_business_hours(request.requested_at,
                                                                                   service_type.sla_hours)
                               if service_type.sla_hours else None)
        request.updated_at = now
        request.save(update_fields=["service_type", "department", "team", "assignee", "routing_rule",
                                    "routing_note", "expected_at", "updated_at"])
        entry = TimelineEntry.objects.create(
            request=request, kind=TimelineEntry.Kind.ROUTED, is_public=False, created_at=now, author=_actor(user),
            message=gettext("Kind changed to %(type)s. %(route)s") % {"type": service_type.name,
                                                                     "route": decision.note},
            data={"category": {"from": before["service_type"], "to": service_type.pk},
                  "rule": decision.rule.pk if decision.rule else None},
        )
        request.log_action("servicerequest.category_changed", user=user, data={
            "before": before, "service_type": service_type.code, "department": decision.department_id})
    return entry


def merge(duplicate: ServiceRequest, *, into: ServiceRequest, user=None, message: str = "") -> TimelineEntry:
    """Close `duplicate` as a duplicate of `into`, carrying its supporters (and its reporter) over.

    The duplicate gets status "duplicate", `duplicate_of` and a public entry
    pointing at the original, and its reporter is notified through the usual
    status task. Raises RequestRejected when the merge makes no sense.
    """
    if duplicate.pk == into.pk:
        raise RequestRejected({"into": [gettext("A request cannot be merged into itself.")]})
    if not duplicate.is_open:
        raise RequestRejected({"into": [gettext("Only open requests can be merged.")]})
    if into.duplicate_of_id:
        raise RequestRejected({"into": [gettext("%s is itself a duplicate; merge into the original.")
                                        % into.public_id]})
    closed_as = Status.objects.filter(code="duplicate").first()
    if closed_as is None:
        raise RequestRejected({"into": [gettext("No “duplicate” status is configured.")]})
    with transaction.atomic():
        now = timezone.now()
        locked = ServiceRequest.objects.select_for_update(of=("self",)).select_related("status").get(pk=duplicate.pk)
        moved = 0
        for old in Support.objects.filter(request=locked):
            lookup = {"user": old.user} if old.user_id else {"user": None, "session_key": old.session_key}
            _, created = Support.objects.get_or_create(request=into, **lookup)
            moved += int(created)
        # The duplicate's reporter is affected too: count them once on the original.
        ServiceRequest.objects.filter(pk=into.pk).update(supporters_count=F("supporters_count") + moved + 1,
                                                         updated_at=now)
        before = locked.status
        locked.status = closed_as
        locked.is_open = closed_as.is_open
        locked.closed_at = now
        locked.duplicate_of = into
        locked.updated_at = now
        locked.save(update_fields=["status", "is_open", "closed_at", "duplicate_of", "updated_at"])
        text = (message or "").strip() or gettext("This was reported already as %s; follow that request.") % (
            into.public_id)
        entry = TimelineEntry.objects.create(
            request=locked, kind=TimelineEntry.Kind.STATUS, is_public=True, message=text, author=_actor(user),
            status_from=before, status_to=closed_as, created_at=now, data={"duplicate_of": into.public_id},
        )
        TimelineEntry.objects.create(
            request=into, kind=TimelineEntry.Kind.INTERNAL_NOTE, is_public=False, author=_actor(user),
            created_at=now, message=gettext("Duplicate %s merged into this request.") % locked.public_id,
            message_code="merged_in", message_params={"public_id": locked.public_id},
            data={"merged": locked.public_id, "supporters_moved": moved},
        )
        locked.log_action("servicerequest.merged", user=user, data={"into": into.public_id, "from": before.code})
        into.log_action("servicerequest.merged_in", user=user, data={"duplicate": locked.public_id,
                                                                     "supporters_moved": moved})
        signals.request_merged.send(sender=ServiceRequest, request=locked, into=into, entry=entry, user=_actor(user))
    duplicate.refresh_from_db()
    into.refresh_from_db()
    return entry


def hide_attachment(attachment: Attachment, *, user=None, reason: str = "") -> TimelineEntry:
    """Hide a photo or video from the public; the file is kept for staff and audit. Raises RequestRejected
    when it is already hidden."""
    if attachment.hidden:
        raise RequestRejected({"attachment": [gettext("That photo is already hidden.")]})
    request = attachment.request
    with transaction.atomic():
        now = timezone.now()
        Attachment.objects.filter(pk=attachment.pk).update(hidden=True)
        attachment.hidden = True
        ServiceRequest.objects.filter(pk=request.pk).update(updated_at=now)
        entry = TimelineEntry.objects.create(
            request=request, kind=TimelineEntry.Kind.INTERNAL_NOTE, is_public=False, created_at=now,
            author=_actor(user), message=(gettext("A photo was hidden from the public. %s") % (reason or "").strip()).strip(),
            data={"attachment_hidden": attachment.pk},
        )
        request.log_action("servicerequest.attachment_hidden", user=user,
                           data={"attachment": attachment.pk, "reason": reason})
    return entry


def redact_text(request: ServiceRequest, *, redacted: str, user=None, entry: TimelineEntry | None = None,
                reason: str = ""):
    """Replace the description (or, with `entry`, a public timeline message) by `redacted`; return the Redaction.

    The original text is kept in the staff.Redaction row and in the audit
    entry's data, never in a timeline entry, so public pages and Open311 read
    only the redacted text while jurisdiction admins can still see what was
    written. Raises RequestRejected when the entry is not a public message of
    this request or when the text would not change.
    """
    from civicdesk.staff.models import Redaction

    redacted = (redacted or "").strip()
    if entry is not None and (entry.request_id != request.pk or not entry.is_public):
        raise RequestRejected({"entry": [gettext("Only public messages of this request can be redacted.")]})
    original = entry.message if entry is not None else request.description
    if redacted == original.strip():
        raise RequestRejected({"text": [gettext("Change the text before saving the redaction.")]})
    with transaction.atomic():
        now = timezone.now()
        if entry is None:
            ServiceRequest.objects.filter(pk=request.pk).update(description=redacted, updated_at=now)
            request.description = redacted
        else:
            # The redacted text wins over a system message's code.
            TimelineEntry.objects.filter(pk=entry.pk).update(message=redacted, message_code="", message_params={})
            entry.message = redacted
            ServiceRequest.objects.filter(pk=request.pk).update(updated_at=now)
        request.updated_at = now
        redaction = Redaction.objects.create(request=request, entry=entry, original=original, redacted=redacted,
                                             author=_actor(user), reason=(reason or "").strip()[:255],
                                             created_at=now)
        where = gettext("the description") if entry is None else gettext("a public message")
        TimelineEntry.objects.create(
            request=request, kind=TimelineEntry.Kind.INTERNAL_NOTE, is_public=False, created_at=now,
            author=_actor(user), message=(gettext("Redacted %(where)s. %(reason)s")
                                          % {"where": where, "reason": redaction.reason}).strip(),
            data={"redaction": redaction.pk},
        )
        request.log_action("servicerequest.redacted", user=user, data={
            "redaction": redaction.pk, "entry": entry.pk if entry is not None else None, "original": original,
            "redacted": redacted, "reason": redaction.reason})
    return redaction


def move_pin(request: ServiceRequest, *, lat, long, user=None, reroute: bool = False) -> TimelineEntry:
    """Move the request to a new point: district (and jurisdiction) found again, address taken from the
    nearest known address point.

    Routing is run again when `reroute` is set, and always when the point lies
    in another jurisdiction (the old department does not work there). Raises
    RequestRejected when the point is invalid, outside every jurisdiction,
    unchanged, or in a jurisdiction that does not handle the service type.
    """
    where = resolve_location(lat=lat, long=long)
    if (where.lat, where.long) == (request.lat, request.long):
        raise RequestRejected({"location": [gettext("The pin is already there.")]})
    moved_away = where.jurisdiction.pk != request.jurisdiction_id
    if moved_away:
        offered = request.service_type.jurisdictions.all()
        if offered.exists() and not offered.filter(pk=where.jurisdiction.pk).exists():
            raise RequestRejected({"location": [gettext("%s does not handle this kind of request.")
                                                % where.jurisdiction.name]})
    with transaction.atomic():
        locked = ServiceRequest.objects.select_for_update().get(pk=request.pk)
        now = timezone.now()
        before = {"lat": locked.lat, "long": locked.long, "address": locked.address,
                  "jurisdiction": locked.jurisdiction_id, "district": locked.district_id,
                  "department": locked.department_id}
        locked.lat, locked.long = where.lat, where.long
        locked.address, locked.address_id = where.address, where.address_id
        locked.jurisdiction = where.jurisdiction
        locked.district = where.district
        fields = ["lat", "long", "address", "address_id", "jurisdiction", "district", "updated_at"]
        route_note = ""
        if reroute or moved_away:
            decision = route(jurisdiction=where.jurisdiction, service_type=locked.service_type, lat=where.lat,
                             long=where.long, district_id=where.district.pk if where.district else None)
            locked.department_id, locked.team_id = decision.department_id, decision.team_id
            locked.assignee_id, locked.routing_rule = decision.assignee_id, decision.rule
            locked.routing_note = route_note = decision.note[:255]
            fields += ["department", "team", "assignee", "routing_rule", "routing_note"]
            if moved_away:
                # Business hours and holidays are the new jurisdiction's.
                hours = locked.service_type.sla_hours
                locked.expected_at = (where.jurisdiction.calendar().add_business_hours(locked.requested_at, hours)
                                      if hours else None)
                fields.append("expected_at")
        locked.updated_at = now
        locked.save(update_fields=fields)
        entry = TimelineEntry.objects.create(
            request=locked, kind=TimelineEntry.Kind.INTERNAL_NOTE, is_public=False, created_at=now,
            author=_actor(user), message=(gettext("Pin moved to %(address)s. %(route)s")
                                          % {"address": where.address or f"{where.lat:.5f}, {where.long:.5f}",
                                             "route": route_note}).strip(),
            data={"moved": {"from": [before["lat"], before["long"]], "to": [where.lat, where.long]},
                  "rerouted": bool(reroute or moved_away)},
        )
        locked.log_action("servicerequest.pin_moved", user=user, data={
            "before": before, "lat": where.lat, "long": where.long, "jurisdiction": where.jurisdiction.pk,
            "district": where.district.pk if where.district else None, "department": locked.department_id})
    request.refresh_from_db()
    return entry


def set_private(request: ServiceRequest, *, private: bool, user=None, reason: str = "") -> TimelineEntry:
    """Hide the request from public pages and Open311 (`private=True`) or show it again.

    Raises RequestRejected when it is already so.
    """
    if bool(private) == request.is_private:
        raise RequestRejected({"private": [gettext("The request is already private.") if private
                                           else gettext("The request is already public.")]})
    with transaction.atomic():
        now = timezone.now()
        ServiceRequest.objects.filter(pk=request.pk).update(is_private=bool(private), updated_at=now)
        request.is_private, request.updated_at = bool(private), now
        text = gettext("Marked private: hidden from the public.") if private else gettext("Marked public again.")
        entry = TimelineEntry.objects.create(
            request=request, kind=TimelineEntry.Kind.INTERNAL_NOTE, is_public=False, created_at=now,
            author=_actor(user), message=f"{text} {(reason or '').strip()}".strip(),
            data={"private": bool(private)},
        )
        request.log_action("servicerequest.privacy_changed", user=user,
                           data={"private": bool(private), "reason": (reason or "").strip()})
    return entry


def caller_key(*, phone: str = "", email: str = "") -> str:
    """The Support.session_key standing for a caller who reached an agent by phone or at the counter.

    Derived from the caller's digits (or lower-cased email) so the same caller
    counts once however often they call, without storing their contact in clear.
    Empty when neither is given.
    """
    import hashlib

    digits = "".join(ch for ch in (phone or "") if ch.isdigit())
    basis = f"tel:{digits}" if digits else (f"mailto:{email.strip().lower()}" if (email or "").strip() else "")
    if not basis:
        return ""
    return "caller:" + hashlib.sha256(basis.encode()).hexdigest()[:56]


def support_on_behalf(request: ServiceRequest, *, agent, phone: str = "", email: str = "") -> bool:
    """Count a caller as affected by an open request, recorded by the agent who took the call.

    Uses support() with the caller's key (see caller_key()), so merges carry it
    over like any anonymous supporter's; adds an audit entry naming the agent.
    False when this caller had already been counted. Raises RequestRejected
    without a phone or email, or when the request is closed.
    """
    key = caller_key(phone=phone, email=email)
    if not key:
        raise RequestRejected({"phone": [gettext("Give the caller's phone or email to add them.")]})
    with transaction.atomic():
        added = support(request, session_key=key)
        if added:
            request.log_action("servicerequest.supported_on_behalf", user=agent, data={"caller": key})
    return added
