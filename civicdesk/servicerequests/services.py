"""The one way requests are created and changed: every channel and the staff console call these."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext

from civicdesk.catalog.models import ServiceType, Status
from civicdesk.catalog.services import route
from civicdesk.jurisdictions import services as places
from civicdesk.lib import geo
from civicdesk.lib.media import MediaError, ProcessedMedia, process_upload
from civicdesk.triage.services import duplicate_candidates, emergency_phrases_in

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
    when none was given. Raises RequestRejected with a "location" message.
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
            matches = places.match_address(address, limit=1, min_score=80)
            point = matches[0].address if matches else None
            if point is None:
                raise RequestRejected({"location": [gettext(
                    "We could not find “%s” in the city's address list. Check the spelling, or drop a pin "
                    "on the map instead.") % address]})
        else:
            raise RequestRejected({"location": [gettext("Tell us where the problem is: drop a pin or type an address.")]})
        lat, long = point.lat, point.long
        address, address_id = point.full_address, point.address_id
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
    for attribute in service_type.attributes.prefetch_related("values"):
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
    if phone and sum(ch.isdigit() for ch in phone) < 7:
        errors["phone"] = [gettext("Enter a phone number with at least 7 digits.")]
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
    if not service_type.jurisdictions.filter(pk=where.jurisdiction.pk).exists() and service_type.jurisdictions.exists():
        raise RequestRejected({"service_code": [gettext("%(service)s is not handled by %(place)s. Choose another "
                                                        "kind of problem.") % {"service": service_type.name,
                                                                               "place": where.jurisdiction.name}]})
    attributes = clean_attributes(service_type, sub.attributes or {})
    if not sub.not_emergency:
        texts = [description, service_type.name] + [v for v in attributes.values() if isinstance(v, str)]
        phrases = emergency_phrases_in(*texts)
        if phrases:
            raise EmergencyReported(phrases, where.jurisdiction.emergency_number)
    email = (sub.contact_email or "").strip().lower()
    phone = (sub.contact_phone or "").strip()
    name = (sub.contact_name or "").strip()
    _check_contact(service_type, reporter=sub.reporter, name=name, email=email, phone=phone)
    media = process_uploads(sub.uploads)

    now = sub.requested_at or timezone.now()
    initial = Status.initial()
    decision = route(jurisdiction=where.jurisdiction, service_type=service_type, lat=where.lat, long=where.long,
                     district_id=where.district.pk if where.district else None)
    expected = None
    if service_type.sla_hours:
        expected = where.jurisdiction.calendar().add_business_hours(now, service_type.sla_hours)
    duplicates = duplicate_candidates(service_type=service_type, lat=where.lat, long=where.long)
    reporter = sub.reporter if (sub.reporter is not None and sub.reporter.is_authenticated) else None
    if reporter is not None:
        email = email or reporter.email
        name = name or reporter.get_full_name()

    saved_files: list[str] = []
    try:
        with transaction.atomic():
            request = ServiceRequest.objects.create(
                jurisdiction=where.jurisdiction, service_type=service_type, status=initial,
                is_open=initial.is_open, priority=service_type.default_priority, description=description,
                attributes=attributes, lat=where.lat, long=where.long, address=where.address,
                address_id=where.address_id, district=where.district, channel=sub.channel, reporter=reporter,
                contact_name=name[:120], contact_email=email, contact_phone=phone[:32],
                language=sub.language or "en", device_id=(sub.device_id or "")[:120],
                client_name=(sub.client_name or "")[:120], department_id=decision.department_id,
                team_id=decision.team_id, assignee_id=decision.assignee_id, routing_rule=decision.rule,
                routing_note=decision.note[:255], requested_at=now, updated_at=now, expected_at=expected,
                media_url=(sub.media_url or "")[:500], is_private=service_type.is_private,
            )
            TimelineEntry.objects.bulk_create([
                TimelineEntry(request=request, kind=TimelineEntry.Kind.SUBMITTED, is_public=True,
                              status_to=initial, created_at=now,
                              message=gettext("Request received via %s.") % request.get_channel_display(),
                              author=sub.actor if getattr(sub.actor, "is_authenticated", False) else None),
                TimelineEntry(request=request, kind=TimelineEntry.Kind.ROUTED, is_public=False, created_at=now,
                              message=decision.note, data={
                                  "rule": decision.rule.pk if decision.rule else None,
                                  "possible_duplicates": [d.public_id for d, _ in duplicates],
                              }),
            ])
            _save_attachments(request, media, saved_files)
            request.log_action("servicerequest.submitted", user=sub.actor, data={
                "channel": sub.channel, "service_code": service_type.code, "routing": decision.note,
            })
            from . import tasks

            tasks.acknowledge_request.enqueue(request.pk)
    except Exception:
        _delete_files(saved_files)
        raise
    return request


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
        locked = ServiceRequest.objects.select_for_update().select_related("status").get(pk=request.pk)
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
        from . import tasks

        tasks.notify_status_change.enqueue(entry.pk)
    request.refresh_from_db()
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
    return entry


def support(request: ServiceRequest, *, user=None, session_key: str = "") -> bool:
    """Count one more resident affected by an open request; False when they already had."""
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
        ServiceRequest.objects.filter(pk=request.pk).update(supporters_count=F("supporters_count") + 1)
        TimelineEntry.objects.create(request=request, kind=TimelineEntry.Kind.SUPPORTED, is_public=True,
                                     message=gettext("Another resident reported this problem too."))
        request.log_action("servicerequest.supported", user=user)
    request.refresh_from_db(fields=["supporters_count"])
    return True

