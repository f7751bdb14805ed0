"""Renewing licences: the reminder before a permit expires and the one-click renewal.

A type with `renewal_window_days` reminds the holder of each of its permits once when the expiry is that
many days away or fewer (and, with `second_reminder_days`, once more closer to it), through notify(). The
holder's renewal is a new application of the same type that re-uses the last answers (still editable) and
carries over the documents still valid, linked to the old permit; on approval the new permit's validity starts
where the old one's ends (services.decide).
"""

from __future__ import annotations

import datetime as dt

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdesk.formengine import services as engine
from civicdesk.notifications.services import notify
from civicdesk.subscriptions.services import recipient_for_user
from civicdesk.throttle.services import check

from . import deadlines
from .models import Application, ApplicationDocument, Permit

Status = Application.Status
#: A renewal that is not one of these (withdrawn, denied) does not stop the reminders or a new renewal.
RENEWING = (Status.DRAFT, *Application.ACTIVE, Status.APPROVED)


def renewal_of(permit: Permit) -> Application | None:
    """The holder's renewal of `permit` under way or approved, if any."""
    return permit.renewals.filter(status__in=RENEWING).order_by("-id").first()


def may_renew(permit: Permit, today: dt.date | None = None) -> bool:
    """True when the permit expires, is not revoked, its type takes applications and sends renewal reminders,
    and its expiry is within the renewal window (or already past)."""
    kind = permit.application.application_type
    if permit.revoked_at is not None or permit.valid_until is None or not kind.is_published \
            or kind.renewal_window_days is None:
        return False
    today = today or deadlines.local_day(permit.application.jurisdiction, timezone.now())
    return permit.valid_until - today <= dt.timedelta(days=kind.renewal_window_days)


def start_renewal(permit: Permit, *, user, language: str, now: dt.datetime | None = None) -> Application:
    """The holder's renewal: a draft of the same type with the last answers that still apply, the documents
    still valid (of a requirement the type still has, uploaded within the type's validity period) copied over,
    linked to `permit`. A renewal already under way is returned instead of a second one."""
    from .services import ApplicationError, _applicant_limit

    old = permit.application
    if old.applicant_id != user.pk:
        raise ApplicationError(_("Only the holder can renew this licence."))
    if not may_renew(permit):
        raise ApplicationError(_("This licence cannot be renewed now."))
    under_way = renewal_of(permit)
    if under_way is not None:
        return under_way
    check(_applicant_limit(user))
    now = now or timezone.now()
    kind = old.application_type
    sections = kind.form.ordered_sections()
    oldest = now - dt.timedelta(days=kind.valid_days) if kind.valid_days else None
    requirements = set(kind.requirements.values_list("pk", flat=True))
    kept = [d for d in old.documents.all()
            if d.requirement_id in requirements and (oldest is None or d.uploaded_at >= oldest)]
    with transaction.atomic():
        locked = Permit.objects.select_for_update().get(pk=permit.pk)
        under_way = renewal_of(locked)
        if under_way is not None:
            return under_way
        renewal = Application.objects.create(application_type=kind, applicant=user, jurisdiction_id=old.jurisdiction_id,
                                             language=language[:8], renews=locked,
                                             answers=engine.shown_answers(sections, old.answers or {}))
        for document in kept:
            copy = ApplicationDocument(application=renewal, requirement_id=document.requirement_id,
                                       original_name=document.original_name, content_type=document.content_type,
                                       size=document.size, sha256=document.sha256, uploaded_at=document.uploaded_at)
            with document.file.open("rb") as handle:
                copy.file.save(document.file.name.rsplit("/", 1)[-1].split("-", 1)[-1], ContentFile(handle.read()),
                               save=False)
            copy.save()
        renewal.log_action("application.renewal_started", user=user,
                           data={"renews": locked.pk, "documents_carried_over": len(kept)})
    return renewal


def send_reminders(now: dt.datetime | None = None) -> int:
    """Remind the holders of permits inside their type's renewal window (first reminder) or second-reminder
    window, once each: the mark on the permit and notify()'s key make a second run a no-op. Permits revoked,
    already expired, or with a renewal under way or approved get none. Returns the reminders sent."""
    now = now or timezone.now()
    sent = 0
    candidates = (Permit.objects.filter(revoked_at__isnull=True, valid_until__isnull=False,
                                        application__application_type__renewal_window_days__isnull=False)
                  .filter(Q(reminded_at__isnull=True) | Q(second_reminded_at__isnull=True,
                                                          application__application_type__second_reminder_days__isnull=False))
                  .exclude(renewals__status__in=RENEWING)
                  .select_related("application__application_type", "application__jurisdiction",
                                  "application__applicant")
                  .order_by("valid_until", "pk"))
    for permit in candidates.iterator(chunk_size=500):
        application = permit.application
        kind = application.application_type
        today = deadlines.local_day(application.jurisdiction, now)
        left = (permit.valid_until - today).days
        if left < 0:
            continue
        if permit.reminded_at is None and left <= kind.renewal_window_days:
            field, which = "reminded_at", "first"
        elif permit.reminded_at is not None and permit.second_reminded_at is None \
                and kind.second_reminder_days is not None and left <= kind.second_reminder_days:
            field, which = "second_reminded_at", "second"
        else:
            continue
        with transaction.atomic():
            if not Permit.objects.filter(pk=permit.pk, **{f"{field}__isnull": True}).update(**{field: now}):
                continue  # another run got there first
            permit.log_action("permit.renewal_reminded", data={"which": which, "days_left": left})
            recipient = recipient_for_user(application.applicant)
            if recipient is not None:
                notify(event="permit.renewal_reminder", key=f"permit-renewal:{permit.pk}:{permit.valid_until}:{which}",
                       recipients=[recipient], template="applications/email/renewal_reminder",
                       scope=f"application:{application.pk}",
                       context={"permit": permit, "application": application, "days_left": left,
                                "public_message": ""})
            sent += 1
    return sent
