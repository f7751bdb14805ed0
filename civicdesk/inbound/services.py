"""Inbound replies: a resident's email or SMS turned into a timeline entry on their request, exactly once.

The SMTP receiver (`manage.py receive_mail`), the mail webhook and the Twilio webhook all end here.
Every message leaves one InboundMessage row (its idempotency key and outcome); an accepted reply adds
a staff-only RESIDENT_REPLY entry with the text, a message-less public entry of the same kind ("the
resident replied"), its photos as hidden attachments, and an audit entry, in one transaction.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext

from civicdesk.lib.ids import normalize_public_id
from civicdesk.lib.media import MediaError, ProcessedMedia, process_upload
from civicdesk.servicerequests.models import Attachment, ServiceRequest, TimelineEntry

from .handlers import IncomingMail, MailHandler, SmsText, handle_sms, mail_handler_for
from .mail import MailAttachment, ParsedMail, UnreadableMail, parse_mail
from .models import InboundMessage
from .tokens import ReplyTarget, is_reply_address, parse_reply_address

log = logging.getLogger("civicdesk.inbound")

Outcome = InboundMessage.Outcome
Reason = InboundMessage.Reason


@dataclass(frozen=True)
class NotKept:
    """A file from a reply that was not saved, and the resident-readable reason."""

    filename: str
    reason: str


@dataclass(frozen=True)
class PreparedFiles:
    """A reply's files after validation and re-encoding (see prepare_files())."""

    media: list[ProcessedMedia]
    not_kept: list[NotKept]


# --- the one write ---------------------------------------------------------


def record_reply(request: ServiceRequest, *, channel: str, text: str, sender: str,
                 files: PreparedFiles | Sequence[MailAttachment] = (), details: dict | None = None) -> TimelineEntry:
    """Add a resident's reply to `request`'s timeline and return the staff-only entry holding it.

    Writes, in one transaction: a non-public RESIDENT_REPLY entry with `text` (replies can hold personal
    data, so only staff read them; a first line names a sender who is not the reporter); a public
    RESIDENT_REPLY entry without a message (the public timeline shows that the resident replied, not
    what they wrote; none when a staff member answered a staff email); the files that
    `lib.media.process_upload` accepts, as Attachments hidden from the public; `updated_at`; an audit
    entry; and a "resident replied" message queued for the assignee. Files it refuses (type, size,
    pixels, too many) are listed in `data["not_kept"]`, never fatal. A reply to a closed request is
    recorded all the same, with `data["after_close"]` set and a first line telling staff. Either
    everything is saved or nothing (stored files are removed on failure). Pass `files` through
    prepare_files() first to re-encode photos before, rather than inside, the caller's transaction.
    """
    # What CivicDesk adds to the entry is read by staff: it is written in the site's language.
    with translation.override(settings.LANGUAGE_CODE):
        prepared = files if isinstance(files, PreparedFiles) else prepare_files(files)
        media, not_kept = prepared.media, prepared.not_kept
        after_close = not request.is_open
        role = sender_role(request, channel=channel, sender=sender)
        lines = []
        if role != "reporter":
            lines.append(gettext("Sent by %(sender)s, who did not report this request.") % {"sender": sender})
        if after_close:
            lines.append(gettext("This request was already closed when the resident replied."))
        if text:
            lines.append(text)
        if not_kept:
            lines.append(gettext("Not kept: %s") % "; ".join(f"{item.filename} ({item.reason})" for item in not_kept))
    saved: list[str] = []
    try:
        with transaction.atomic():
            now = timezone.now()
            ServiceRequest.objects.filter(pk=request.pk).update(updated_at=now)
            attachment_ids = _save_media(request, media, saved)
            entry = TimelineEntry.objects.create(
                request=request, kind=TimelineEntry.Kind.RESIDENT_REPLY, is_public=False, created_at=now,
                message="\n\n".join(lines),
                data={**(details or {}), "channel": channel, "from": sender, "sender_role": role,
                      "after_close": after_close, "attachments": attachment_ids,
                      "not_kept": [{"filename": item.filename, "reason": item.reason} for item in not_kept]},
            )
            if role != "staff":  # a colleague answering a staff email is no news for the public
                TimelineEntry.objects.create(request=request, kind=TimelineEntry.Kind.RESIDENT_REPLY,
                                             is_public=True, created_at=now, data={"reply": entry.pk})
            request.log_action("servicerequest.resident_replied", data={
                "channel": channel, "entry": entry.pk, "attachments": attachment_ids,
                "not_kept": len(not_kept), "after_close": after_close})
            _tell_assignee(request, entry, sender=sender)
    except Exception:
        _delete_files(saved)
        raise
    request.updated_at = now
    return entry


def _tell_assignee(request: ServiceRequest, entry: TimelineEntry, *, sender: str) -> None:
    """Queue "a resident replied" for the request's assignee (unless they sent it), in their own
    language and channels; unassigned requests wait in their queue, where the reply shows."""
    from civicdesk.notifications.services import notify
    from civicdesk.subscriptions.services import recipients_for_users

    assignee = request.assignee if request.assignee_id else None
    if assignee is None or not assignee.is_active or assignee.email.lower() == sender.strip().lower():
        return
    notify(event="staff.resident_replied", key=f"timeline:{entry.pk}", recipients=recipients_for_users([assignee]),
           template="inbound/email/staff_resident_replied", request=request, scope="staff",
           context={"entry": entry, "channel": entry.data["channel"], "after_close": entry.data["after_close"]})


def sender_role(request: ServiceRequest, *, channel: str, sender: str) -> str:
    """"reporter" when `sender` is the request's contact email or its reporter's account (SMS replies are
    only ever threaded to the sender's own requests), "staff" for a staff account, else "other" (a
    follower answering an update, for example)."""
    if channel == "sms":
        return "reporter"
    from civicdesk.accounts.models import User

    address = sender.strip().lower()
    reporter_email = request.reporter.email if request.reporter_id else ""
    if address and address in {request.contact_email.lower(), reporter_email.lower()}:
        return "reporter"
    if User.objects.filter(email=address, is_staff=True).exists():
        return "staff"
    return "other"


def prepare_files(files: Sequence[MailAttachment]) -> PreparedFiles:
    """Validate and re-encode a reply's files with lib.media, at most the report form's photo and video
    counts; refused files become NotKept with the resident-readable reason. Slow (Pillow): call it
    outside any transaction, so a database write lock is never held while photos are re-encoded."""
    media: list[ProcessedMedia] = []
    not_kept: list[NotKept] = []
    for item in files:
        try:
            processed = process_upload(ContentFile(item.content, name=item.filename))
        except MediaError as exc:
            not_kept.append(NotKept(item.filename, str(exc)))
            continue
        photos = sum(1 for m in media if m.kind == "photo")
        videos = sum(1 for m in media if m.kind == "video")
        if processed.kind == "photo" and photos >= settings.MAX_PHOTOS_PER_REQUEST:
            not_kept.append(NotKept(item.filename, gettext("Attach at most %d photos.")
                                    % settings.MAX_PHOTOS_PER_REQUEST))
        elif processed.kind == "video" and videos >= 1:
            not_kept.append(NotKept(item.filename, gettext("Attach at most one video.")))
        else:
            media.append(processed)
    return PreparedFiles(media, not_kept)


def _save_media(request: ServiceRequest, media: Iterable[ProcessedMedia], saved: list[str]) -> list[int]:
    ids = []
    for index, item in enumerate(media, start=1):
        attachment = Attachment(request=request, kind=item.kind, content_type=item.content_type,
                                width=item.width, height=item.height, size=len(item.content), hidden=True)
        attachment.file.save(f"reply-{item.kind}-{index}.{item.extension}", ContentFile(item.content), save=False)
        saved.append(attachment.file.name)
        if item.thumbnail:
            attachment.thumbnail.save(f"reply-{item.kind}-{index}-thumb.jpg", ContentFile(item.thumbnail),
                                      save=False)
            saved.append(attachment.thumbnail.name)
        attachment.save()
        ids.append(attachment.pk)
    return ids


def _delete_files(names: list[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            log.warning("could not remove orphaned reply file %s", name)


# --- idempotency -----------------------------------------------------------


@dataclass(frozen=True)
class Received:
    """What became of one inbound message. `duplicate` is True when it had been received before."""

    message: InboundMessage
    duplicate: bool = False

    @property
    def delivered(self) -> bool:
        return self.message.is_delivered


def _once(channel: str, key: str, work: Callable[[InboundMessage], InboundMessage]) -> Received:
    """Claim `key` with a new InboundMessage row and let `work` fill it in, unless `key` was seen already.

    Two deliveries racing each other both pass the first look-up; the unique constraint lets only one
    claim the key (the other waits for it, then fails before doing any work or storing any file) and
    the loser returns the winner's outcome. Claim and work commit together or not at all.
    """
    existing = InboundMessage.objects.filter(channel=channel, key=key).first()
    if existing is not None:
        return Received(existing, duplicate=True)
    try:
        with transaction.atomic():
            claimed = InboundMessage.objects.create(channel=channel, key=key, outcome=Outcome.REJECTED)
            return Received(work(claimed))
    except IntegrityError:
        existing = InboundMessage.objects.filter(channel=channel, key=key).first()
        if existing is None:
            raise
        return Received(existing, duplicate=True)


def _too_many_replies(request: ServiceRequest) -> bool:
    """True when the request already took INBOUND_MAX_REPLIES_PER_HOUR replies in the last hour.

    A last line of defence against mail loops with robots that do not mark their messages.
    """
    since = timezone.now() - timedelta(hours=1)
    recent = InboundMessage.objects.filter(request=request, outcome=Outcome.ACCEPTED, created_at__gte=since)
    return recent.count() >= settings.INBOUND_MAX_REPLIES_PER_HOUR


# --- email -----------------------------------------------------------------


def receive_email(raw: bytes, *, recipients: Sequence[str] = (), envelope_sender: str = "") -> Received:
    """Take one raw email reply (RFC 5322 bytes) and record it on the request its reply address names.

    `recipients` are the envelope recipients when the transport knows them (SMTP RCPT TO, a provider's
    "recipient" field); otherwise the message's Delivered-To/X-Original-To/To/Cc headers are used. The
    reply address must be signed for the From address (or for `envelope_sender`). Outcomes:
    ACCEPTED (entry added), IGNORED (automatic replies and bounces, so no mail loop starts: the transport
    answers "ok" and drops it), REJECTED with a reason (the transport refuses it: SMTP 550, HTTP 406). A
    message received before (same Message-ID to the same address) returns the first outcome, duplicate=True.
    """
    try:
        parsed = parse_mail(raw)
    except UnreadableMail:
        key = hashlib.sha256(raw).hexdigest()
        return _once(InboundMessage.Channel.EMAIL, key, lambda row: _log_email(
            row, Outcome.REJECTED, Reason.MALFORMED, sender=envelope_sender))
    candidates = [a.strip().lower() for a in recipients] or parsed.recipients
    ours = [a for a in candidates if is_reply_address(a)]
    if not ours:
        for candidate in candidates:
            if (handler := mail_handler_for(candidate)) is not None:
                key = hashlib.sha256(f"{parsed.message_id}|{candidate}".encode()).hexdigest()
                return _once(InboundMessage.Channel.EMAIL, key, lambda row: _take_handled_email(
                    row, handler, raw, parsed, candidate, envelope_sender))
    address = ours[0] if ours else (candidates[0] if candidates else "")
    key = hashlib.sha256(f"{parsed.message_id}|{address}".encode()).hexdigest()
    existing = InboundMessage.objects.filter(channel=InboundMessage.Channel.EMAIL, key=key).first()
    if existing is not None:
        return Received(existing, duplicate=True)
    target = _reply_target(ours, [parsed.sender, envelope_sender])
    # Photos are re-encoded only for a signed reply from a person, and outside the transaction.
    files = prepare_files(parsed.attachments if target and not parsed.auto_reply else ())
    return _once(InboundMessage.Channel.EMAIL, key,
                 lambda row: _take_email(row, parsed, target, files, address, envelope_sender))


def _take_email(row: InboundMessage, parsed: ParsedMail, target: ReplyTarget | None, files: PreparedFiles,
                address: str, envelope_sender: str) -> InboundMessage:
    sender = parsed.sender or envelope_sender.strip().lower()
    if parsed.auto_reply:
        return _log_email(row, Outcome.IGNORED, Reason.AUTO_REPLY, sender=sender, recipient=address,
                          why=parsed.auto_reply)
    if target is None:
        return _log_email(row, Outcome.REJECTED, Reason.BAD_ADDRESS, sender=sender, recipient=address)
    request = ServiceRequest.objects.select_related("status").filter(public_id=target.public_id).first()
    if request is None:
        return _log_email(row, Outcome.REJECTED, Reason.UNKNOWN_REQUEST, sender=sender, recipient=address)
    if not parsed.text and not parsed.attachments:
        return _log_email(row, Outcome.REJECTED, Reason.EMPTY, sender=sender, recipient=address, request=request)
    if _too_many_replies(request):
        return _log_email(row, Outcome.REJECTED, Reason.TOO_MANY, sender=sender, recipient=address, request=request)
    entry = record_reply(request, channel="email", text=parsed.text, sender=target.recipient, files=files,
                         details={"subject": parsed.subject, "message_id": parsed.message_id,
                                  "truncated": parsed.truncated})
    return _log_email(row, Outcome.ACCEPTED, Reason.NONE, sender=target.recipient, recipient=address,
                      request=request, entry=entry)


def _take_handled_email(row: InboundMessage, handler: MailHandler, raw: bytes, parsed: ParsedMail, address: str,
                        envelope_sender: str) -> InboundMessage:
    """A message for an address another app handles (handlers.register_mail_handler); robots are dropped first."""
    sender = parsed.sender or envelope_sender.strip().lower()
    if parsed.auto_reply:
        return _log_email(row, Outcome.IGNORED, Reason.AUTO_REPLY, sender=sender, recipient=address,
                          why=parsed.auto_reply)
    handled = handler.handle(IncomingMail(raw=raw, parsed=parsed, recipient=address, envelope_sender=envelope_sender))
    return _log_email(row, handled.outcome, handled.reason, sender=sender, recipient=address, request=handled.request)


def _reply_target(addresses: list[str], senders: list[str]) -> ReplyTarget | None:
    for address in addresses:
        for sender in senders:
            if sender and (target := parse_reply_address(address, sender)) is not None:
                return target
    return None


def _log_email(row: InboundMessage, outcome: str, reason: str, *, sender: str = "", recipient: str = "", request=None,
               entry=None, why: str = "") -> InboundMessage:
    level = logging.WARNING if outcome == Outcome.REJECTED else logging.INFO
    log.log(level, "inbound email %s: %s %s (request %s)", outcome, reason or "-", why,
            request.public_id if request else "-")
    row.sender, row.recipient, row.request, row.entry = sender[:254], recipient[:254], request, entry
    row.outcome, row.reason = outcome, reason
    row.save()
    return row


# --- SMS -------------------------------------------------------------------

# Twilio's own opt-out and opt-in keywords (its Advanced Opt-Out defaults), matched on the whole message.
STOP_WORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"})
START_WORDS = frozenset({"START", "UNSTOP", "YES"})
# Keyword → the language to answer in ("" = the sender's own): Spanish and Arabic words answer in their language.
HELP_WORDS = {"HELP": "", "INFO": "", "AYUDA": "es", "مساعدة": "ar"}
STATUS_WORDS = {"STATUS": "", "ESTADO": "es", "حالة": "ar"}
#: Longest text an SMS answer quotes from the last public update.
UPDATE_EXCERPT = 160


def receive_sms(*, sid: str, sender: str, body: str, to: str = "", media_urls: Sequence[str] = ()) -> Received:
    """Handle one incoming SMS (already authenticated) and return its record; `message.answer` is the reply.

    Whole-message keywords: STOP/STOPALL/UNSUBSCRIBE/CANCEL/END/QUIT opt the number out of all SMS,
    START/UNSTOP/YES opt it back in, HELP/INFO/AYUDA/مساعدة explain; `STATUS <tracking number>` (or ESTADO, حالة)
    answers with the request's status and last public update when the request is public or was reported
    from this phone (anything else gets the same "not found" answer, so private ids cannot be probed).
    Then the handlers other apps registered (handlers.py; e.g. a "was it fixed?" answer) may take the text.
    Any other text is threaded as a reply to the newest open request reported from this number (the
    request's contact phone, or an account whose verified mobile it is). Answers are in the sender's
    language (their account's, else their latest request's). The same `sid` twice returns the first
    record and answer, doing nothing again.
    """
    phone = sender.strip()
    return _once(InboundMessage.Channel.SMS, sid[:128], lambda row: _take_sms(row, phone, to, body, media_urls))


def _take_sms(row: InboundMessage, phone: str, to: str, body: str, media_urls: Sequence[str]) -> InboundMessage:
    text = (body or "").strip()
    words = text.split()
    keyword = words[0].upper().strip(".!") if words else ""
    person = _SmsPerson.find(phone)
    language = STATUS_WORDS.get(keyword) or HELP_WORDS.get(keyword) or person.language

    def done(outcome: str, reason: str, answer: str, request=None, entry=None) -> InboundMessage:
        log.info("inbound sms %s: %s (request %s)", outcome, reason or "-", request.public_id if request else "-")
        row.sender, row.recipient, row.request, row.entry = phone[:254], to[:254], request, entry
        row.outcome, row.reason, row.answer = outcome, reason, answer
        row.save()
        return row

    with translation.override(language):
        if len(words) == 1 and keyword in STOP_WORDS:
            from civicdesk.notifications.services import opt_out

            opt_out("sms", phone)
            return done(Outcome.ANSWERED, Reason.COMMAND, gettext(
                "You will get no more text messages from us. Reply START to receive them again."))
        if len(words) == 1 and keyword in START_WORDS:
            from civicdesk.notifications.services import opt_in

            # A conversation that asked "reply YES" (civicdesk/conversations) takes its yes first.
            handled = handle_sms(SmsText(phone=phone, text=text, language=language, media_urls=tuple(media_urls),
                                         message_id=row.key, open_request=person.latest_open_request()))
            if handled is not None:
                return done(Outcome.ANSWERED, Reason.HANDLED, handled.answer, request=handled.request,
                            entry=handled.entry)

            opt_in("sms", phone)
            return done(Outcome.ANSWERED, Reason.COMMAND, gettext(
                "Text messages are on again. Reply STOP to stop them."))
        if len(words) == 1 and keyword in HELP_WORDS:
            return done(Outcome.ANSWERED, Reason.COMMAND, _help_text())
        if keyword in STATUS_WORDS:
            answer, request = _status_answer("".join(words[1:]), person)
            return done(Outcome.ANSWERED, Reason.COMMAND, answer, request=request)
        request = person.latest_open_request()
        handled = handle_sms(SmsText(phone=phone, text=text, language=language, media_urls=tuple(media_urls),
                                     message_id=row.key, open_request=request))
        if handled is not None:
            return done(Outcome.ANSWERED, Reason.HANDLED, handled.answer, request=handled.request,
                        entry=handled.entry)
        if request is None:
            return done(Outcome.REJECTED, Reason.NO_OPEN_REQUEST, gettext(
                "We could not find an open request reported from this number. To report a problem, visit "
                "%(url)s. To check on a request, text STATUS and its tracking number.")
                % {"url": f"{settings.SITE_URL}/report/"})
        if not text and not media_urls:
            return done(Outcome.REJECTED, Reason.EMPTY, _help_text(), request=request)
        if _too_many_replies(request):
            return done(Outcome.REJECTED, Reason.TOO_MANY, gettext(
                "We have received many messages about %(id)s in the last hour. Please try again later.")
                % {"id": request.public_id}, request=request)
        entry = record_reply(request, channel="sms", text=_with_media_links(text, media_urls), sender=phone,
                             details={"media_urls": list(media_urls)})
        return done(Outcome.ACCEPTED, Reason.NONE, gettext(
            "Thank you. We added your message to request %(id)s. Text STATUS %(id)s for its latest update.")
            % {"id": request.public_id}, request=request, entry=entry)


def _with_media_links(text: str, media_urls: Sequence[str]) -> str:
    """MMS pictures stay at the provider (fetching them needs its credentials): staff get the links."""
    if not media_urls:
        return text
    links = "\n".join(gettext("Picture sent by MMS: %s") % url for url in media_urls)
    return f"{text}\n\n{links}".strip()


def _help_text() -> str:
    return gettext(
        "%(city)s 311. Text STATUS and a tracking number (like STATUS 7KQ4-M2XD) for an update, or reply "
        "with more details about your open request. Reply STOP to stop texts. Report online: %(url)s"
    ) % {"city": _city_name(), "url": f"{settings.SITE_URL}/report/"}


def _city_name() -> str:
    from civicdesk.cities import city

    return str(getattr(city(), "name", "") or "CivicDesk")


def _status_answer(typed_id: str, person: _SmsPerson) -> tuple[str, ServiceRequest | None]:
    public_id = normalize_public_id(typed_id)
    request = (ServiceRequest.objects.select_related("status", "service_type").filter(public_id=public_id).first()
               if public_id else None)
    if request is None or not (request.is_publicly_visible() or person.reported(request)):
        shown = public_id or typed_id[:12] or "?"
        return gettext("We could not find request %(id)s. Check the tracking number and try again.") % {
            "id": shown}, None
    update = (request.timeline.filter(is_public=True, kind__in=[TimelineEntry.Kind.STATUS,
                                                                 TimelineEntry.Kind.PUBLIC_NOTE])
              .exclude(message="").order_by("-created_at", "-id").first())
    answer = gettext("Request %(id)s (%(type)s): %(status)s.") % {
        "id": request.public_id, "type": request.service_type.name, "status": request.status.name}
    if update is not None:
        # Anyone who knows the tracking number may text STATUS: the public text, contact details masked.
        message = update.public_message()
        excerpt = message if len(message) <= UPDATE_EXCERPT else (message[:UPDATE_EXCERPT].rsplit(" ", 1)[0] + "…")
        answer += " " + gettext("Latest update (%(date)s): %(text)s") % {
            "date": formats.date_format(timezone.localtime(update.created_at), "DATE_FORMAT"), "text": excerpt}
    answer += " " + f"{settings.SITE_URL}{request.get_absolute_url()}"
    return answer, request


@dataclass
class _SmsPerson:
    """Who an incoming number belongs to: the accounts that verified it and the requests reported from it."""

    phone: str
    variants: list[str]
    user_ids: list[int]
    language: str

    @classmethod
    def find(cls, phone: str) -> _SmsPerson:
        from civicdesk.subscriptions.models import NotificationPreference

        variants = phone_variants(phone)
        preferences = list(NotificationPreference.objects.filter(phone__in=variants, phone_verified_at__isnull=False)
                           .order_by("-phone_verified_at").values_list("user_id", "language"))
        language = preferences[0][1] if preferences else ""
        if not language:
            latest = (ServiceRequest.objects.filter(contact_phone__in=variants).order_by("-requested_at")
                      .values_list("language", flat=True).first())
            language = latest or settings.LANGUAGE_CODE
        return cls(phone, variants, [user_id for user_id, _ in preferences], language)

    def requests(self):
        from django.db.models import Q

        mine = Q(contact_phone__in=self.variants) if self.variants else Q(pk__in=[])
        if self.user_ids:
            mine |= Q(reporter_id__in=self.user_ids)
        return ServiceRequest.objects.filter(mine)

    def reported(self, request: ServiceRequest) -> bool:
        return (bool(self.variants) and request.contact_phone in self.variants) or request.reporter_id in self.user_ids

    def latest_open_request(self) -> ServiceRequest | None:
        return (self.requests().filter(is_open=True).select_related("status", "jurisdiction")
                .order_by("-requested_at", "-id").first())


def phone_variants(phone: str) -> list[str]:
    """The ways a number may have been typed into a report, for an exact, indexed look-up.

    From Twilio's E.164 "+15551234567" this gives "+15551234567", "15551234567", "5551234567",
    "555-123-4567", "(555) 123-4567", "555.123.4567", "555 123 4567", "1-555-123-4567", "+1 555 123 4567",
    "+1 (555) 123-4567". Numbers outside North America get their E.164 and digits-only forms.
    """
    digits = re.sub(r"\D", "", phone or "")
    if len(digits) < 7:
        return []
    forms = {phone.strip(), "+" + digits, digits}
    national = digits[1:] if len(digits) == 11 and digits.startswith("1") else (digits if len(digits) == 10 else "")
    if national:
        a, b, c = national[:3], national[3:6], national[6:]
        forms |= {national, f"{a}-{b}-{c}", f"({a}) {b}-{c}", f"{a}.{b}.{c}", f"{a} {b} {c}", f"1-{a}-{b}-{c}",
                  f"+1 {a} {b} {c}", f"+1 ({a}) {b}-{c}", f"+1-{a}-{b}-{c}", f"1{national}", f"+1{national}"}
    return sorted(forms)
