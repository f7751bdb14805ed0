"""Meetings: saving and publishing (audited), documents, RSVPs with a waiting list, and reminders.

Every RSVP change locks the meeting row first, so two people can never take the last place together and
the waiting list moves up in order. Messages go through notify(), keyed so each is sent at most once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdesk.notifications.services import (
    Recipient,
    link_token,
    normalise_address,
    notify,
    read_link_token,
)
from civicdesk.throttle.services import Limit, check

from .documents import check_document
from .models import Meeting, MeetingDocument, Rsvp

RSVP_LINK_PURPOSE = "meeting_rsvp"


class MeetingRejected(Exception):
    """The change is not possible in the meeting's current state; the message says why."""


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


# --- staff: meetings and documents ------------------------------------------------------------------------

def save_meeting(meeting: Meeting, *, user, changed_fields: Iterable[str] = ()) -> Meeting:
    """Create or update `meeting` (validated values already set), audited as meeting.created / meeting.changed.

    When the capacity grows (or is removed) people on the waiting list move up and are told.
    """
    creating = meeting.pk is None
    with transaction.atomic():
        if creating:
            meeting.author = user if getattr(user, "is_authenticated", False) else None
        meeting.save()
        meeting.log_action("meeting.created" if creating else "meeting.changed", user=user,
                           data={"fields": sorted(set(changed_fields)), "title": meeting.title})
        if not creating:
            fill_places(meeting)
    return meeting


def publish(meeting: Meeting, *, user, now: dt.datetime | None = None) -> None:
    """Show the meeting to residents. MeetingRejected when already published or cancelled."""
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if meeting.published_at is not None:
            raise MeetingRejected(_("This meeting is already published."))
        meeting.published_at = now or timezone.now()
        meeting.save(update_fields=["published_at", "updated_at"])
        meeting.log_action("meeting.published", user=user, data={"title": meeting.title})


def cancel_meeting(meeting: Meeting, *, user, now: dt.datetime | None = None) -> int:
    """Mark the meeting cancelled and tell everyone with an RSVP (confirmed or waiting); returns how many.

    MeetingRejected when it is already cancelled or over."""
    now = now or timezone.now()
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().select_related("jurisdiction").get(pk=meeting.pk)
        if meeting.cancelled_at is not None:
            raise MeetingRejected(_("This meeting is already cancelled."))
        if meeting.is_past(now):
            raise MeetingRejected(_("This meeting is over: it cannot be cancelled."))
        meeting.cancelled_at = now
        meeting.save(update_fields=["cancelled_at", "updated_at"])
        meeting.log_action("meeting.cancelled", user=user, data={"title": meeting.title})
        active = list(meeting.rsvps.filter(status__in=[Rsvp.Status.CONFIRMED, Rsvp.Status.WAITING])
                      .select_related("user"))
        if active:
            notify(event="meeting.cancelled", key=f"meeting:{meeting.pk}:cancelled",
                   recipients=[recipient_for(rsvp) for rsvp in active], template="meetings/notify/cancelled",
                   context={"meeting": meeting, "meeting_url": settings.SITE_URL + meeting.get_absolute_url()},
                   scope=meeting.scope)
    return len(active)


def add_document(meeting: Meeting, *, upload, kind: str, title: str, user) -> MeetingDocument:
    """Check the upload by its content (documents.check_document raises MediaError) and store it, audited."""
    checked = check_document(upload)
    stem = "".join(c if c.isalnum() or c in "-_" else "-" for c in (title or kind).lower())[:60].strip("-")
    with transaction.atomic():
        document = MeetingDocument(meeting=meeting, kind=kind, title=title, content_type=checked.content_type,
                                   size=len(checked.content), original_name=checked.original_name,
                                   uploaded_by=user if getattr(user, "is_authenticated", False) else None)
        document.file.save(f"{stem or 'document'}.{checked.extension}", ContentFile(checked.content), save=False)
        document.save()
        meeting.log_action("meeting.document_added", user=user,
                           data={"document": document.pk, "kind": kind, "title": title})
    return document


def remove_document(document: MeetingDocument, *, user) -> None:
    """Delete a document and its file, audited."""
    meeting = document.meeting
    with transaction.atomic():
        meeting.log_action("meeting.document_removed", user=user,
                           data={"document": document.pk, "kind": document.kind, "title": document.title})
        name = document.file.name
        storage = document.file.storage
        document.delete()
        transaction.on_commit(lambda: storage.delete(name))


# --- RSVPs --------------------------------------------------------------------------------------------------

def recipient_for(rsvp: Rsvp) -> Recipient:
    language = rsvp.language or (rsvp.user.language if rsvp.user_id else "")
    return Recipient(email=rsvp.email, language=language, name=rsvp.name, user_id=rsvp.user_id)


def rsvp_url(rsvp: Rsvp) -> str:
    """The absolute link that lets the person confirm or cancel this RSVP without signing in.

    An opaque token stored server-side (notifications.LinkToken): it never carries the address."""
    token = link_token(RSVP_LINK_PURPOSE, "email", rsvp.email, scope=f"meeting:{rsvp.meeting_id}")
    return settings.SITE_URL + reverse("meetings:rsvp_manage", args=[token])


def rsvp_from_token(token: str) -> Rsvp | None:
    """The RSVP a link token names, or None when the link is unknown or the RSVP is gone."""
    found = read_link_token(token, RSVP_LINK_PURPOSE)
    if found is None or not found.scope.startswith("meeting:"):
        return None
    meeting_id = found.scope.partition(":")[2]
    if not meeting_id.isdigit():
        return None
    return (Rsvp.objects.select_related("meeting", "meeting__jurisdiction", "user")
            .filter(meeting_id=int(meeting_id), email=found.address).first())


def _not_taking(meeting: Meeting, now: dt.datetime) -> None:
    if not meeting.takes_rsvps(now):
        raise MeetingRejected(_("This meeting is not taking RSVPs."))


def rsvp_with_account(meeting: Meeting, *, user, client: str, now: dt.datetime | None = None) -> Rsvp:
    """RSVP a signed-in resident whose email address is verified: a place, or the waiting list when full.

    Idempotent: an active RSVP is returned as it is. Limited per account and per client address."""
    now = now or timezone.now()
    _not_taking(meeting, now)
    if not user.is_email_verified:
        raise MeetingRejected(_("Confirm your email address first, or RSVP with your email below."))
    email = normalise_address("email", user.email)
    existing = Rsvp.objects.filter(meeting=meeting, email=email).first()
    if existing is not None and existing.is_active():
        return existing
    check(Limit(f"meetings:rsvp:user:{user.pk}", _setting("MEETING_RSVPS_PER_ACCOUNT_PER_HOUR", 20), 3600),
          Limit(f"meetings:rsvp:client:{client}", _setting("MEETING_RSVPS_PER_CLIENT_PER_HOUR", 20), 3600),
          message=_("You have sent too many RSVPs. Please try again in an hour."), now=now)
    with transaction.atomic():
        rsvp, _created = Rsvp.objects.get_or_create(meeting=meeting, email=email, defaults={
            "user": user, "name": user.get_full_name(), "language": user.language})
        rsvp.user = user
        return _activate(rsvp, now=now)


def request_email_rsvp(meeting: Meeting, *, name: str, email: str, language: str, client: str,
                       now: dt.datetime | None = None) -> Rsvp:
    """Email a link to confirm (or, when already confirmed, to cancel) an RSVP for `email`.

    Nothing is reserved until the link is followed. The page says the same whatever the address's state,
    so it never tells a stranger whether someone is coming. Limited per address, per client and overall.
    """
    now = now or timezone.now()
    _not_taking(meeting, now)
    email = normalise_address("email", email)
    check(Limit(f"meetings:rsvp-email:dest:{email}", _setting("MEETING_RSVP_EMAILS_PER_ADDRESS_PER_HOUR", 3), 3600),
          Limit(f"meetings:rsvp-email:client:{client}", _setting("MEETING_RSVP_EMAILS_PER_CLIENT_PER_HOUR", 10),
                3600),
          Limit("meetings:rsvp-email:global", _setting("MEETING_RSVP_EMAILS_PER_HOUR", 2000), 3600),
          message=_("Too many RSVP emails were asked for. Please try again in an hour."), now=now)
    with transaction.atomic():
        rsvp, created = Rsvp.objects.get_or_create(meeting=meeting, email=email, defaults={
            "name": name.strip()[:120], "language": language, "created_at": now})
        if not created and not rsvp.is_active():
            rsvp.status = Rsvp.Status.PENDING
            rsvp.name = name.strip()[:120] or rsvp.name
            rsvp.language = language or rsvp.language
            rsvp.save(update_fields=["status", "name", "language"])
        stamp = f"{now.timestamp():.6f}"
        notify(event="meeting.rsvp_link", key=f"meeting-rsvp:{rsvp.pk}:link:{stamp}",
               recipients=[recipient_for(rsvp)], template="meetings/notify/rsvp_link",
               context={"meeting": meeting, "rsvp": rsvp, "manage_url": rsvp_url(rsvp),
                        "meeting_url": settings.SITE_URL + meeting.get_absolute_url()},
               scope=meeting.scope)
    return rsvp


def confirm_rsvp(rsvp: Rsvp, *, now: dt.datetime | None = None) -> Rsvp:
    """Turn a pending (or cancelled) RSVP into a place or a waiting-list spot; idempotent for active ones."""
    now = now or timezone.now()
    if rsvp.is_active():
        return rsvp
    _not_taking(rsvp.meeting, now)
    with transaction.atomic():
        return _activate(rsvp, now=now)


def _activate(rsvp: Rsvp, *, now: dt.datetime) -> Rsvp:
    """Give the RSVP a place when one is free, else a waiting-list spot, and tell the person (in a transaction)."""
    meeting = Meeting.objects.select_for_update().select_related("jurisdiction").get(pk=rsvp.meeting_id)
    left = meeting.places_left()
    rsvp.status = Rsvp.Status.CONFIRMED if left is None or left > 0 else Rsvp.Status.WAITING
    rsvp.queued_at = now
    rsvp.cancelled_at = None
    rsvp.save()
    _tell(rsvp, meeting, rsvp.status)
    return rsvp


def _tell(rsvp: Rsvp, meeting: Meeting, what: str) -> None:
    """One message about this RSVP: "confirmed", "waiting" or "promoted"; keyed by the moment it changed."""
    stamp = f"{rsvp.queued_at.timestamp():.6f}" if rsvp.queued_at else "0"
    notify(event=f"meeting.rsvp_{what}", key=f"meeting-rsvp:{rsvp.pk}:{what}:{stamp}",
           recipients=[recipient_for(rsvp)], template=f"meetings/notify/rsvp_{what}",
           context={"meeting": meeting, "rsvp": rsvp, "manage_url": rsvp_url(rsvp),
                    "meeting_url": settings.SITE_URL + meeting.get_absolute_url(),
                    "ics_url": settings.SITE_URL + reverse("meetings:ics", args=[meeting.pk])},
           scope=meeting.scope)


def cancel_rsvp(rsvp: Rsvp, *, user=None, now: dt.datetime | None = None) -> list[Rsvp]:
    """Cancel the RSVP (idempotent) and move the waiting list up into any place it frees.

    Returns the RSVPs promoted, each told through notify(). `user` is staff cancelling for someone (audited).
    """
    now = now or timezone.now()
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().select_related("jurisdiction").get(pk=rsvp.meeting_id)
        rsvp = Rsvp.objects.select_for_update().get(pk=rsvp.pk)
        if rsvp.status == Rsvp.Status.CANCELLED:
            return []
        rsvp.status = Rsvp.Status.CANCELLED
        rsvp.cancelled_at = now
        rsvp.save(update_fields=["status", "cancelled_at"])
        if user is not None and getattr(user, "is_authenticated", False):
            meeting.log_action("meeting.rsvp_cancelled", user=user, data={"rsvp": rsvp.pk})
        return fill_places(meeting, now=now)


def fill_places(meeting: Meeting, *, now: dt.datetime | None = None) -> list[Rsvp]:
    """Promote people from the waiting list, first come first served, while places are free; each is told.

    Call inside a transaction holding the meeting's row lock (the services do). Nothing moves once the
    meeting has started or when it is cancelled."""
    now = now or timezone.now()
    if meeting.cancelled_at is not None or meeting.starts_at <= now:
        return []
    left = meeting.places_left()
    waiting = meeting.rsvps.filter(status=Rsvp.Status.WAITING).order_by("queued_at", "id").select_related("user")
    promoted = list(waiting if left is None else waiting[:left])
    for rsvp in promoted:
        rsvp.status = Rsvp.Status.CONFIRMED
        rsvp.queued_at = now
        rsvp.save(update_fields=["status", "queued_at"])
        _tell(rsvp, meeting, "promoted")
    return promoted


# --- reminders ---------------------------------------------------------------------------------------------

def send_reminders(*, now: dt.datetime | None = None) -> int:
    """Remind everyone with a place of meetings starting within REMINDER_HOURS (default 24): the day before.

    Safe to run as often as wished: each reminder's key names the meeting and its start time, so a person
    is reminded once per meeting (again only if staff move the meeting). Returns the messages newly queued.
    """
    now = now or timezone.now()
    hours = _setting("MEETING_REMINDER_HOURS", 24)
    meetings = (Meeting.objects.published().filter(cancelled_at__isnull=True, starts_at__gt=now,
                                                   starts_at__lte=now + dt.timedelta(hours=hours))
                .select_related("jurisdiction"))
    queued = 0
    for meeting in meetings:
        rsvps = list(meeting.rsvps.filter(status=Rsvp.Status.CONFIRMED).select_related("user"))
        if not rsvps:
            continue
        with transaction.atomic():
            queued += notify(
                event="meeting.reminder", key=f"meeting:{meeting.pk}:reminder:{int(meeting.starts_at.timestamp())}",
                recipients=[recipient_for(rsvp) for rsvp in rsvps], template="meetings/notify/reminder",
                context={"meeting": meeting, "meeting_url": settings.SITE_URL + meeting.get_absolute_url(),
                         "ics_url": settings.SITE_URL + reverse("meetings:ics", args=[meeting.pk])},
                scope=meeting.scope)
    return queued
