"""Reports by email: a message to the city's report address becomes a filed request or a draft for an agent.

Inbound's SMTP receiver and mail webhook hand these messages over through the mail-handler hook
(inbound/handlers.py), once per Message-ID and address, automatic replies, bounces and lists already dropped.
Here: the same report twice (a body fingerprint over sender, subject and text) is dropped; the kind is suggested
from subject and text, the address found in the text with the never-guess rules, photos kept through lib.media.
High confidence and a resolved address: filed through submit_request() (channel "email"), which acknowledges
it with the tracking number through notify(). Otherwise: queued for the console's triage queue.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import timedelta
from email.utils import getaddresses

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from civicdesk.catalog.models import ServiceType
from civicdesk.inbound.handlers import IncomingMail, MailHandled
from civicdesk.inbound.models import InboundMessage
from civicdesk.lib.media import MediaError, process_upload
from civicdesk.servicerequests.services import EmergencyReported, RequestRejected, submit_request
from civicdesk.throttle.services import Limit, RateLimited, check
from civicdesk.triage.services import detect_emergency

from . import kinds
from .language import detect_language
from .models import EmailReport, ReportPhoto
from .places import find_address
from .services import default_jurisdiction, drop_photos

log = logging.getLogger("civicdesk.conversations")

#: How long a body fingerprint counts as "the same report again".
DUPLICATE_WINDOW = timedelta(days=14)


def is_report_address(address: str) -> bool:
    """True for one of the city's report addresses (CONVERSATIONS_REPORT_EMAILS, e.g. 311@riverbend.gov)."""
    return address.strip().lower() in settings.CONVERSATIONS_REPORT_EMAILS


def body_hash(sender: str, subject: str, text: str) -> str:
    """A fingerprint of who sent what, blind to spacing and case: the fallback when a resend has a new Message-ID."""
    folded = " ".join(f"{sender}\n{subject}\n{text}".lower().split())
    return hashlib.sha256(folded.encode()).hexdigest()


def _sender_name(raw: bytes) -> str:
    from email import message_from_bytes, policy

    header = message_from_bytes(raw[:20000], policy=policy.default).get("From", "")
    pairs = getaddresses([str(header)])
    return (pairs[0][0] if pairs else "")[:120]


def take_report_mail(mail: IncomingMail) -> MailHandled:
    """Inbound's mail handler for the report addresses: a filed request, a queued draft, or a dropped duplicate."""
    parsed = mail.parsed
    sender = parsed.sender or mail.envelope_sender.strip().lower()
    text = parsed.text.strip()
    fingerprint = body_hash(sender, parsed.subject, text)
    since = timezone.now() - DUPLICATE_WINDOW
    if EmailReport.objects.filter(message_key=parsed.message_id[:300]).exists() or EmailReport.objects.filter(
            body_hash=fingerprint, received_at__gte=since).exists():
        return MailHandled(InboundMessage.Outcome.IGNORED, InboundMessage.Reason.DUPLICATE)
    if not text and not parsed.subject and not parsed.attachments:
        return MailHandled(InboundMessage.Outcome.REJECTED, InboundMessage.Reason.EMPTY)
    try:
        check(Limit(f"conversations:email:{sender}", settings.CONVERSATIONS_EMAILS_PER_SENDER_PER_DAY, 86400))
    except RateLimited:
        return MailHandled(InboundMessage.Outcome.REJECTED, InboundMessage.Reason.TOO_MANY)
    words = f"{parsed.subject}\n{text}".strip()
    language = detect_language(words, default=settings.LANGUAGE_CODE)
    jurisdiction = default_jurisdiction()
    found = find_address(text) if text else find_address(parsed.subject)
    if found.point is None and parsed.subject:
        found = find_address(parsed.subject) if not found.candidates else found
    if found.point is not None and found.point.jurisdiction_id:
        jurisdiction = found.point.jurisdiction
    offers = kinds.suggestions(words, jurisdiction=jurisdiction, language=language, limit=1)
    report = EmailReport.objects.create(
        message_key=parsed.message_id[:300], body_hash=fingerprint, jurisdiction=jurisdiction, sender=sender[:254],
        sender_name=_sender_name(mail.raw), subject=parsed.subject[:255], text=text, language=language,
        suggested_type=offers[0].service_type if offers else None, confidence=offers[0].confidence if offers else 0,
        address_text=(found.label or found.typed)[:255] if (found.point or found.candidates) else "",
        address_id=found.point.address_id if found.point else "",
        possible_emergency=bool(detect_emergency(words).stop))
    not_kept = _keep_photos(report, parsed.attachments)
    with translation.override(settings.LANGUAGE_CODE):  # the queue is read by staff
        why = _why_not_filed(report, found_point=found.point is not None)
        if not_kept:
            why = "; ".join([why, gettext("Not kept: %s") % ", ".join(not_kept)]).strip("; ")
    if not _why_not_filed(report, found_point=found.point is not None):
        request = file_report(report, service_type=report.suggested_type, address_id=report.address_id)
        if request is not None:
            return MailHandled(InboundMessage.Outcome.ACCEPTED, InboundMessage.Reason.NEW_REPORT, request=request)
        why = report.why_queued
    report.why_queued = why[:255]
    report.save(update_fields=["why_queued"])
    report.log_action("emailreport.queued", data={"why": report.why_queued, "confidence": report.confidence})
    return MailHandled(InboundMessage.Outcome.ACCEPTED, InboundMessage.Reason.NEW_REPORT)


def _why_not_filed(report: EmailReport, *, found_point: bool) -> str:
    """Why the report waits for an agent (in the staff's words), or "" when it may be filed at once."""
    if report.possible_emergency:
        return gettext("It reads like an emergency: check it now.")
    if report.suggested_type is None:
        return gettext("No kind of problem could be suggested.")
    if report.confidence < settings.CONVERSATIONS_EMAIL_AUTO_FILE_CONFIDENCE:
        return gettext("The suggested kind is not certain enough (%(confidence)d%%).") % {
            "confidence": round(report.confidence * 100)}
    if not found_point:
        return gettext("No single address was found in the text.")
    return ""


def _keep_photos(report: EmailReport, attachments) -> list[str]:
    """Store the attachments lib.media accepts as photos (MAX_PHOTOS_PER_REQUEST at most); return the refused names."""
    refused = []
    for item in attachments:
        if report.photos.count() >= settings.MAX_PHOTOS_PER_REQUEST:
            refused.append(item.filename or "?")
            continue
        try:
            media = process_upload(ContentFile(item.content, name=item.filename))
        except MediaError:
            refused.append(item.filename or "?")
            continue
        if media.kind != "photo":
            refused.append(item.filename or "?")
            continue
        photo = ReportPhoto(email_report=report, content_type=media.content_type,
                            original_name=(item.filename or f"photo.{media.extension}")[:255])
        photo.file.save(f"email-{report.pk}.{media.extension}", ContentFile(media.content), save=False)
        photo.save()
    return refused


def file_report(report: EmailReport, *, service_type: ServiceType, address_id: str = "", address: str = "",
                description: str = "", user=None, attributes: dict | None = None) -> object | None:
    """File the email report through submit_request() (channel "email", the sender as contact) and return the
    request; None when the rules refuse it (the reason is kept in `why_queued` and the report stays queued).
    Used by the automatic path (user None) and by an agent in the triage queue (audited with their name), who
    also gives the answers to the kind's questions (`attributes`)."""
    photos = list(report.photos.all())
    body = description or "\n\n".join(part for part in (report.subject, report.text) if part)
    try:
        with transaction.atomic():
            request = submit_request(
                service_type=service_type, channel="email", address_id=address_id, address=address,
                description=body[:5000], attributes=attributes or {}, contact_email=report.sender,
                contact_name=report.sender_name,
                language=report.language, actor=user, client_name="email",
                not_emergency=user is not None,
                uploads=[File(p.file.open("rb"), name=p.original_name) for p in photos])
            report.status, report.request, report.handled_by = EmailReport.Status.FILED, request, user
            report.handled_at = timezone.now()
            report.save()
            report.log_action("emailreport.filed", user=user, data={
                "request": request.public_id, "service_code": service_type.code, "automatic": user is None})
            drop_photos(report)
    except (EmergencyReported, RequestRejected) as exc:
        report.why_queued = str(exc)[:255]
        if user is None:
            report.save(update_fields=["why_queued"])
        return None
    finally:
        for photo in photos:
            photo.file.close()
    return request


def discard_report(report: EmailReport, *, user, reason: str) -> None:
    """Discard a queued email report with the agent's reason (audited); its photos are deleted."""
    with transaction.atomic():
        report.status, report.discard_reason, report.handled_by = EmailReport.Status.DISCARDED, reason[:255], user
        report.handled_at = timezone.now()
        report.save()
        drop_photos(report)
        report.log_action("emailreport.discarded", user=user, data={"reason": reason[:255]})
