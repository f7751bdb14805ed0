"""The inbound SMTP receiver (aiosmtpd): accepts replies for INBOUND_EMAIL_DOMAIN and hands them to the service."""

from __future__ import annotations

import logging

from aiosmtpd.controller import Controller
from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import close_old_connections

from .handlers import mail_handler_for
from .services import receive_email
from .tokens import is_reply_address

log = logging.getLogger("civicdesk.inbound")

#: Recipients one message may name; a reply needs one.
MAX_RECIPIENTS = 10
# SMTP answers (RFC 5321 codes with RFC 3463 enhanced status codes).
OK = "250 2.0.0 OK: reply received"
UNKNOWN_RECIPIENT = "550 5.1.1 No such recipient here"
TOO_MANY_RECIPIENTS = "452 4.5.3 Too many recipients"
REFUSED = {
    "bad_address": "550 5.7.1 This reply address is not valid for your address",
    "unknown_request": "550 5.1.1 No such request",
    "empty": "550 5.6.0 Your reply had no text and no attachment",
    "too_many": "550 5.7.1 Too many replies to this request in the last hour",
    "malformed": "550 5.6.0 Message could not be read",
}
TEMPORARY_FAILURE = "451 4.3.0 Temporary failure, please try again later"


class ReplyHandler:
    """aiosmtpd handler: refuses unknown recipients at RCPT TO (550), records each reply at DATA.

    Besides the signed reply addresses it accepts the addresses a registered mail handler owns (the city's
    report address: civicdesk/conversations).

    The reply address's signature is checked at DATA, against the From header (the envelope sender often
    differs: forwarding, SRS). Automatic replies are answered 250 and dropped, so no bounce is started.
    The Django work runs in a worker thread (the ORM is synchronous).
    """

    async def handle_RCPT(self, server, session, envelope, address: str, rcpt_options) -> str:
        if not is_reply_address(address) and mail_handler_for(address.strip().lower()) is None:
            log.info("inbound smtp refused recipient %s", address)
            return UNKNOWN_RECIPIENT
        if len(envelope.rcpt_tos) >= MAX_RECIPIENTS:
            return TOO_MANY_RECIPIENTS
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope) -> str:
        raw = envelope.original_content or envelope.content
        try:
            return await sync_to_async(_deliver, thread_sensitive=False)(
                raw, list(envelope.rcpt_tos), envelope.mail_from or "")
        except Exception:
            log.exception("inbound smtp could not record a reply")
            return TEMPORARY_FAILURE


def _deliver(raw: bytes, recipients: list[str], mail_from: str) -> str:
    """Record the message once per recipient; 250 when any was taken (or deliberately ignored)."""
    close_old_connections()
    try:
        answers = [receive_email(raw, recipients=[recipient], envelope_sender=mail_from) for recipient in recipients]
    finally:
        close_old_connections()
    if any(received.delivered for received in answers):
        return OK
    reason = answers[0].message.reason if answers else "bad_address"
    return REFUSED.get(reason, REFUSED["bad_address"])


def start_server(host: str, port: int) -> Controller:
    """Start the receiver on host:port in a background thread and return its controller (call .stop())."""
    controller = Controller(ReplyHandler(), hostname=host, port=port,
                            data_size_limit=settings.INBOUND_EMAIL_MAX_BYTES,
                            server_hostname=settings.INBOUND_EMAIL_DOMAIN or None)
    controller.start()
    return controller
