"""Area subscriptions: subscribe, confirm, change, stop; who to tell about a request; daily digests."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import shapely
from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from shapely import STRtree
from shapely.geometry import Point, box
from shapely.geometry.base import BaseGeometry
from shapely.ops import nearest_points

from civicdesk.jurisdictions.models import District
from civicdesk.lib import geo
from civicdesk.notifications.services import Recipient, link_token, notify, read_link_token
from civicdesk.servicerequests.models import ServiceRequest

from .models import MAX_RADIUS_M, MIN_RADIUS_M, AreaSubscription

CONFIRM_SALT = "civicdesk.alerts.confirm"
MINE_SALT = "civicdesk.alerts.mine"
#: What the unsubscribe link in every area message stops: all area alerts to that address. One scope for
#: all of them lets one notify() call carry a whole chunk of subscribers; a single subscription is changed
#: or stopped from its manage page, linked from every message.
SCOPE = "area"
#: Subscriptions matched per query, and notified per database transaction and worker task. Small enough
#: that one chunk's write transaction (rendering included) stays well inside SQLite's busy timeout.
CHUNK = 500
EVENTS = ("new", "closed")


class SubscriptionRefused(Exception):
    """The subscription cannot be made or changed. `errors` maps a form field ("" for the form) to messages."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("; ".join(m for msgs in errors.values() for m in msgs))
        self.errors = errors


@dataclass
class Area:
    """Where a subscription looks: a circle around a point, or a district."""

    lat: float | None = None
    long: float | None = None
    radius_m: int | None = None
    place_name: str = ""
    district: District | None = None


# --- links ---------------------------------------------------------------------------------------

def confirm_code(subscription: AreaSubscription) -> str:
    """The signed, timestamped code in the confirmation link (see subscription_for_confirm_code)."""
    return signing.dumps(subscription.token, salt=CONFIRM_SALT, compress=True)


def subscription_for_confirm_code(code: str) -> AreaSubscription | None:
    """The subscription a confirmation code names, or None when it is forged, expired or unknown."""
    max_age = dt.timedelta(days=settings.AREA_ALERTS_CONFIRM_DAYS)
    try:
        token = signing.loads(code, salt=CONFIRM_SALT, max_age=max_age)
    except signing.BadSignature:
        return None
    return AreaSubscription.objects.select_related("district").filter(token=token).first()


def my_alerts_code(email: str) -> str:
    """The opaque code in the "all my area alerts" link for an address (it never expires: it only lists).
    It names the address without showing it (notifications.LinkToken)."""
    return link_token("my-alerts", "email", email.lower())


def email_for_my_alerts_code(code: str) -> str | None:
    """The address a code names, or None. Codes sent before they were opaque (the signed address) still work."""
    found = read_link_token(code, "my-alerts")
    if found is not None:
        return found.address
    try:
        return signing.loads(code, salt=MINE_SALT)
    except signing.BadSignature:
        return None


def my_alerts_url(email: str) -> str:
    return settings.SITE_URL + reverse("alerts:mine", args=[my_alerts_code(email)])


def manage_url(subscription: AreaSubscription) -> str:
    return settings.SITE_URL + reverse("alerts:manage", args=[subscription.token])


def confirm_url(subscription: AreaSubscription) -> str:
    return settings.SITE_URL + reverse("alerts:confirm", args=[confirm_code(subscription)])


# --- subscribe, confirm, change, stop --------------------------------------------------------------

def _check_area(area: Area) -> None:
    if area.district is not None:
        return
    if area.lat is None or area.long is None or not geo.valid_point(area.lat, area.long):
        raise SubscriptionRefused({"location": [gettext("Choose a place on the map, type an address, or pick a "
                                                        "district.")]})
    if area.radius_m is None or not MIN_RADIUS_M <= area.radius_m <= MAX_RADIUS_M:
        raise SubscriptionRefused({"radius_m": [gettext("Choose a distance between %(min)s and %(max)s meters.")
                                                % {"min": MIN_RADIUS_M, "max": MAX_RADIUS_M}]})


def _check_limits(email: str, *, exclude_pk: int | None = None) -> None:
    # Unconfirmed subscriptions whose link has expired no longer count: they can never send anything.
    link_life = timezone.now() - dt.timedelta(days=settings.AREA_ALERTS_CONFIRM_DAYS)
    others = AreaSubscription.objects.filter(Q(confirmed_at__isnull=False) | Q(created_at__gte=link_life),
                                             email=email, is_active=True)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    if others.count() >= settings.AREA_ALERTS_MAX_PER_EMAIL:
        raise SubscriptionRefused({"": [gettext(
            "This email address already has %(count)s area alerts, the most we allow. Stop one of them (use "
            "the link in any alert email) before adding another.") % {"count": settings.AREA_ALERTS_MAX_PER_EMAIL}]})
    day_ago = timezone.now() - dt.timedelta(days=1)
    pending = AreaSubscription.objects.filter(email=email, confirmed_at__isnull=True, created_at__gte=day_ago)
    if pending.count() >= settings.AREA_ALERTS_MAX_PENDING_PER_DAY:
        raise SubscriptionRefused({"": [gettext(
            "We have already sent several confirmation emails to this address today. Confirm one of them, or "
            "try again tomorrow.")]})


def _apply(subscription: AreaSubscription, *, area: Area, service_types: Sequence, notify_new: bool,
           notify_closed: bool, frequency: str) -> None:
    if not (notify_new or notify_closed):
        raise SubscriptionRefused({"events": [gettext("Choose what to hear about: new requests, closed requests, "
                                                      "or both.")]})
    if frequency not in AreaSubscription.Frequency.values:
        raise SubscriptionRefused({"frequency": [gettext("Choose how often to hear from us.")]})
    _check_area(area)
    if area.district is not None:
        subscription.district, subscription.lat, subscription.long, subscription.radius_m = area.district, None, None, None
        subscription.place_name = ""
    else:
        subscription.district = None
        subscription.lat, subscription.long, subscription.radius_m = area.lat, area.long, area.radius_m
        subscription.place_name = (area.place_name or "")[:255]
    subscription.all_types = not service_types
    subscription.notify_new, subscription.notify_closed = notify_new, notify_closed
    subscription.frequency = frequency


def subscribe(*, email: str, area: Area, user=None, language: str = "", service_types: Sequence = (),
              notify_new: bool = True, notify_closed: bool = True,
              frequency: str = AreaSubscription.Frequency.IMMEDIATE) -> AreaSubscription:
    """Create a subscription; confirm it at once or email a confirmation link, in one transaction.

    A signed-in person subscribing their own verified address is confirmed at once; anyone else gets an
    email with a link (valid AREA_ALERTS_CONFIRM_DAYS) and hears nothing until they follow it. Raises
    SubscriptionRefused (nothing saved) for a bad area or choice, or when the address has reached
    AREA_ALERTS_MAX_PER_EMAIL active subscriptions or AREA_ALERTS_MAX_PENDING_PER_DAY unconfirmed ones.
    """
    email = (email or "").strip().lower()
    if not email:
        raise SubscriptionRefused({"email": [gettext("Enter your email address.")]})
    account = user if getattr(user, "is_authenticated", False) else None
    subscription = AreaSubscription(email=email, user=account, language=language or settings.LANGUAGE_CODE)
    _apply(subscription, area=area, service_types=service_types, notify_new=notify_new,
           notify_closed=notify_closed, frequency=frequency)
    trusted = account is not None and account.is_email_verified and account.email.lower() == email
    with transaction.atomic():
        _check_limits(email)
        if trusted:
            subscription.confirmed_at = timezone.now()
        subscription.save()
        subscription.service_types.set(service_types)
        subscription.log_action("alerts.subscribed", user=account, data={
            "area": subscription.describe_area(), "confirmed": trusted, "frequency": frequency})
        if not trusted:
            send_confirmation(subscription)
    return subscription


def send_confirmation(subscription: AreaSubscription) -> int:
    """Queue the email asking the address's owner to confirm (call inside the saving transaction)."""
    return notify(event="area.confirm", key=f"area-confirm:{subscription.pk}",
                  recipients=[Recipient(email=subscription.email, language=subscription.language,
                                        user_id=subscription.user_id)],
                  template="alerts/email/confirm", scope=SCOPE,
                  context={"area": subscription.describe_area(), "confirm_url": confirm_url(subscription),
                           "days": settings.AREA_ALERTS_CONFIRM_DAYS})


def confirm(subscription: AreaSubscription) -> bool:
    """Confirm the subscription; True when this call confirmed it, False when it already was.

    Raises SubscriptionRefused when confirming would take the address over its limit (it may have
    added others since).
    """
    with transaction.atomic():
        locked = AreaSubscription.objects.select_for_update().get(pk=subscription.pk)
        if locked.confirmed_at is not None:
            return False
        if locked.is_active:
            others = AreaSubscription.objects.filter(email=locked.email, is_active=True, confirmed_at__isnull=False)
            if others.count() >= settings.AREA_ALERTS_MAX_PER_EMAIL:
                raise SubscriptionRefused({"": [gettext(
                    "This email address already has %(count)s area alerts, the most we allow. Stop one of them "
                    "first.") % {"count": settings.AREA_ALERTS_MAX_PER_EMAIL}]})
        locked.confirmed_at = timezone.now()
        locked.is_active = True
        locked.save(update_fields=["confirmed_at", "is_active", "updated_at"])
        locked.log_action("alerts.confirmed", data={"email": locked.email})
    subscription.refresh_from_db()
    return True


def change(subscription: AreaSubscription, *, area: Area, service_types: Sequence = (), notify_new: bool = True,
           notify_closed: bool = True, frequency: str = AreaSubscription.Frequency.IMMEDIATE) -> AreaSubscription:
    """Change what a subscription covers (from its manage link). Raises SubscriptionRefused."""
    with transaction.atomic():
        locked = AreaSubscription.objects.select_for_update().get(pk=subscription.pk)
        _apply(locked, area=area, service_types=service_types, notify_new=notify_new,
               notify_closed=notify_closed, frequency=frequency)
        if not locked.is_active:
            _check_limits(locked.email, exclude_pk=locked.pk)
            locked.is_active = True
        locked.save()
        locked.service_types.set(service_types)
        locked.log_action("alerts.changed", data={"area": locked.describe_area(), "frequency": frequency,
                                                  "service_types": [getattr(t, "code", t) for t in service_types]})
    subscription.refresh_from_db()
    return subscription


def stop(subscription: AreaSubscription) -> None:
    """Stop a subscription (kept, inactive, so its manage link can start it again)."""
    with transaction.atomic():
        updated = AreaSubscription.objects.filter(pk=subscription.pk, is_active=True).update(
            is_active=False, updated_at=timezone.now())
        if updated:
            subscription.log_action("alerts.stopped", data={"email": subscription.email})
    subscription.refresh_from_db()


# --- who is interested ---------------------------------------------------------------------------

def _service_type_ids(subscriptions: Sequence[AreaSubscription]) -> dict[int, set[int]]:
    """{subscription id: chosen type ids} for the subscriptions that chose types, in one query."""
    ids = [s.pk for s in subscriptions if not s.all_types]
    chosen: dict[int, set[int]] = {pk: set() for pk in ids}
    if ids:
        through = AreaSubscription.service_types.through.objects.filter(areasubscription_id__in=ids)
        for sub_id, type_id in through.values_list("areasubscription_id", "servicetype_id"):
            chosen[sub_id].add(type_id)
    return chosen


def _chunks(queryset, size: int = CHUNK) -> Iterator[list[AreaSubscription]]:
    """The queryset in id order, `size` rows at a time (keyset pagination: no OFFSET, no open cursor)."""
    last = 0
    while True:
        rows = list(queryset.filter(pk__gt=last).order_by("pk")[:size])
        if not rows:
            return
        yield rows
        last = rows[-1].pk


def subscriptions_for_request(request: ServiceRequest, event: str, *, frequency: str | None = None
                              ) -> Iterator[list[AreaSubscription]]:
    """Live subscriptions that want to hear about `event` ("new" or "closed") for this request, in chunks.

    The stored bounding boxes prefilter in SQL; each row is then checked exactly (distance or district,
    and service type) with one extra query per chunk. Private requests match nobody.
    """
    if event not in EVENTS:
        raise ValueError(f"unknown area event {event!r}")
    if not request.is_publicly_visible():
        return
    # The public point: a sensitive request reaches the subscriptions around its snapped point, so the alerts
    # someone receives say no more about where it is than the map does.
    lat, long = request.public_point()
    candidates = AreaSubscription.objects.holding_point(lat, long).filter(
        **{"notify_new" if event == "new" else "notify_closed": True})
    if frequency:
        candidates = candidates.filter(frequency=frequency)
    candidates = candidates.for_service_types([request.service_type_id])
    for rows in _chunks(candidates):
        chosen = _service_type_ids(rows)
        matched = [s for s in rows if s.covers(lat, long, request.district_id)
                   and s.wants_type(request.service_type_id, chosen.get(s.pk))]
        if matched:
            yield matched


def _circle_meets(subscription: AreaSubscription, geometry: BaseGeometry) -> bool:
    """True when the subscription's circle reaches `geometry` (lon/lat), measured in metres."""
    centre = Point(subscription.long, subscription.lat)
    if geometry.covers(centre):
        return True
    nearest, _ = nearest_points(geometry, centre)
    return geo.distance_m(subscription.lat, subscription.long, nearest.y, nearest.x) <= subscription.radius_m


def area_recipients(*, geometry=None, district_ids=(), service_type_ids=(), event: str = "notice"
                    ) -> Iterator[tuple[Recipient, str]]:
    """(recipient, scope) for every confirmed, active area subscription whose area (radius around a point,
    or district) intersects `geometry` (a shapely geometry in lon/lat) or one of `district_ids`, and whose
    service-type filter (empty = all types) overlaps `service_type_ids` (empty = any).

    `event` "notice" (service notices) reaches every such subscription, whatever it chose to hear about
    and however often (a disruption is news now); "new" or "closed" only those that asked for that event.
    Each subscription yields once; the scope is always SCOPE ("area"), so callers can pass every recipient
    to one notify() call (an address with two matching subscriptions then gets one message).
    Work is bounded: a bounding-box prefilter in SQL, then exact checks, CHUNK rows per query.
    """
    district_ids = {int(pk) for pk in district_ids}
    shapes = [geometry] if geometry is not None and not geometry.is_empty else []
    shapes += [geo.shape(boundary) for boundary in
               District.objects.filter(pk__in=district_ids).values_list("boundary", flat=True)]
    if not shapes:
        return
    target = shapely.union_all(shapes)
    shapely.prepare(target)
    min_long, min_lat, max_long, max_lat = target.bounds
    candidates = AreaSubscription.objects.overlapping_box(min_lat, max_lat, min_long, max_long)
    if event == "new":
        candidates = candidates.filter(notify_new=True)
    elif event == "closed":
        candidates = candidates.filter(notify_closed=True)
    elif event != "notice":
        raise ValueError(f"unknown area event {event!r}")
    candidates = candidates.for_service_types(service_type_ids).select_related("district")
    district_shapes: dict[int, BaseGeometry] = {}
    for rows in _chunks(candidates):  # the service-type filter is done in SQL (for_service_types)
        preferences = _preferences_of(rows)
        for subscription in rows:
            if subscription.district_id is not None:
                if subscription.district_id not in district_ids:
                    if subscription.district_id not in district_shapes:
                        district_shapes[subscription.district_id] = geo.shape(subscription.district.boundary)
                    shape = district_shapes[subscription.district_id]
                    # Sharing only an edge (neighbouring districts) is not meeting.
                    if not target.intersects(shape) or target.touches(shape):
                        continue
            elif not _circle_meets(subscription, target):
                continue
            yield (_notice_recipient(subscription, preferences.get(subscription.user_id)), SCOPE)


def _preferences_of(subscriptions: Sequence[AreaSubscription]) -> dict:
    """The notification preferences of the account holders among `subscriptions`, by user id (one query)."""
    from civicdesk.subscriptions.models import NotificationPreference

    user_ids = {s.user_id for s in subscriptions if s.user_id is not None}
    if not user_ids:
        return {}
    return {p.user_id: p for p in NotificationPreference.objects.filter(user_id__in=user_ids)}


def _notice_recipient(subscription: AreaSubscription, preference) -> Recipient:
    """How a service notice reaches a subscriber: by email to the subscription's address, or, for an account
    holder who chose text messages (with a verified mobile), by SMS as well or instead, as their preferences say.

    The subscription itself is the consent to hear about the area, so a preference of "nothing" still gets the
    email they subscribed with.
    """
    channels = preference.channel_set() if preference is not None else frozenset()
    if "sms" in channels and preference.phone:
        return Recipient(email=subscription.email if "email" in channels else "", phone=preference.phone,
                         language=subscription.language, user_id=subscription.user_id, channels=channels)
    return Recipient(email=subscription.email, language=subscription.language, user_id=subscription.user_id)


# --- what the messages say -----------------------------------------------------------------------

def public_summary(request: ServiceRequest) -> dict:
    """What alerts, digests and feeds may say about a request: public fields only, never contact details."""
    return {
        "public_id": request.public_id,
        "service_type": request.service_type,
        "status": request.status,
        "address": request.public_address(),
        "description": request.public_description()[:500],
        "requested_at": request.requested_at,
        "closed_at": request.closed_at,
        "url": settings.SITE_URL + request.get_absolute_url(),
    }


def send_alerts(request_id: int, event: str, subscription_ids: Iterable[int]) -> int:
    """Queue the immediate alert about one request to these subscriptions (rechecked: still live).

    One notify() call for the batch, keyed "area:<request>:<event>": a rerun sends nothing twice, and an
    address whose several subscriptions all cover the request gets one message. Each message links to the
    recipient's list of area alerts (my_alerts_url), where each subscription can be changed or stopped.
    Returns the number of deliveries queued.
    """
    request = ServiceRequest.objects.select_related("service_type", "status").filter(pk=request_id).first()
    if request is None or not request.is_publicly_visible():
        return 0
    summary = public_summary(request)
    template = "alerts/email/new_request" if event == "new" else "alerts/email/closed_request"
    subscriptions = AreaSubscription.objects.live().filter(pk__in=list(subscription_ids)).order_by("pk")
    recipients = [Recipient(email=email, language=language, user_id=user_id)
                  for email, language, user_id in subscriptions.values_list("email", "language", "user_id")]
    if not recipients:
        return 0
    with transaction.atomic():
        return notify(event="area.new_request" if event == "new" else "area.closed_request",
                      key=f"area:{request.pk}:{event}", recipients=recipients, template=template, scope=SCOPE,
                      context={"item": summary})


# --- daily digests -------------------------------------------------------------------------------

def local_day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The start and end of `day` in the site's time zone (settings.TIME_ZONE), as aware datetimes."""
    tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    start = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return start, end


def yesterday() -> dt.date:
    """The previous day in the site's time zone."""
    return timezone.now().astimezone(zoneinfo.ZoneInfo(settings.TIME_ZONE)).date() - dt.timedelta(days=1)


def _day_events(day: dt.date) -> list[tuple[str, ServiceRequest]]:
    start, end = local_day_bounds(day)
    public = ServiceRequest.objects.public().select_related("service_type", "status")
    new = public.filter(requested_at__gte=start, requested_at__lt=end).order_by("requested_at", "id")
    closed = public.filter(is_open=False, closed_at__gte=start, closed_at__lt=end).order_by("closed_at", "id")
    return [("new", r) for r in new] + [("closed", r) for r in closed]


def send_digests(day: dt.date | None = None) -> int:
    """Queue one summary per daily subscriber of the public requests opened or closed in their area on `day`.

    `day` defaults to yesterday (site time zone). Subscribers with nothing to hear about get nothing.
    The key "digest:<day>:<sub>" makes a second run for the same day send nothing again. The day's
    events are indexed once (an STRtree of their points), so the cost grows with subscribers plus events,
    not their product. Returns the number of deliveries queued.
    """
    day = day or yesterday()
    events = _day_events(day)
    if not events:
        return 0
    points = [r.public_point() for _, r in events]  # snapped for sensitive types, as everywhere public
    tree = STRtree([Point(long, lat) for lat, long in points])
    subscribers = AreaSubscription.objects.live().filter(frequency=AreaSubscription.Frequency.DAILY).select_related(
        "district")
    queued = 0
    for rows in _chunks(subscribers):
        chosen = _service_type_ids(rows)
        with transaction.atomic():
            for subscription in rows:
                found = {"new": [], "closed": []}
                area_box = box(subscription.min_long, subscription.min_lat, subscription.max_long, subscription.max_lat)
                for index in sorted(int(i) for i in tree.query(area_box)):
                    event, request = events[index]
                    if not (subscription.notify_new if event == "new" else subscription.notify_closed):
                        continue
                    if subscription.covers(*points[index], request.district_id) and \
                            subscription.wants_type(request.service_type_id, chosen.get(subscription.pk)):
                        found[event].append(public_summary(request))
                if not (found["new"] or found["closed"]):
                    continue
                queued += notify(
                    event="area.digest", key=f"digest:{day.isoformat()}:{subscription.pk}",
                    recipients=[Recipient(email=subscription.email, language=subscription.language,
                                          user_id=subscription.user_id)],
                    template="alerts/email/digest", scope=SCOPE,
                    context={"day": day, "new": found["new"], "closed": found["closed"],
                             "area": subscription.describe_area(), "manage_url": manage_url(subscription)})
    return queued


def locate_area(*, lat=None, long=None, address: str = "", district: District | None = None,
                radius_m: int | None = None) -> Area:
    """Turn what the subscribe form got (a district, a map point or a typed address) into an Area.

    A district wins; otherwise a pin, otherwise the address matched against the city's address list.
    The point must lie inside a jurisdiction. Raises SubscriptionRefused with a "location" message.
    """
    from civicdesk.servicerequests.services import RequestRejected, resolve_location

    if district is not None:
        return Area(district=district)
    if (lat is None or long is None) and not (address or "").strip():
        raise SubscriptionRefused({"location": [gettext("Choose a place on the map, type an address, or pick a "
                                                        "district.")]})
    try:
        where = resolve_location(lat=lat, long=long, address=address)
    except RequestRejected as exc:
        raise SubscriptionRefused({"location": exc.errors.get("location", [str(exc)])}) from None
    return Area(lat=where.lat, long=where.long, radius_m=radius_m, place_name=where.address)
