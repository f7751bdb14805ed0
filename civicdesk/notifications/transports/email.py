"""Email over Django's SMTP backend: multipart text + HTML, one-click unsubscribe, a stable Message-ID."""

from __future__ import annotations

import smtplib
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection

from . import Transport, TransportError

if TYPE_CHECKING:
    from civicdesk.notifications.models import Delivery


def smtp_error(exc: Exception) -> TransportError:
    """Classify an SMTP failure: a 5xx reply about the recipient or the message is permanent, the rest transient.

    Our own sender being refused or failing authentication is a configuration problem, not the recipient's
    fault, so it is retried (and ends FAILED without suppressing the address).
    """
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, reply = next(iter(exc.recipients.values()), (0, b""))
        text = reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)
        return TransportError(f"SMTP {code} for the recipient: {text}", permanent=500 <= code < 600)
    if isinstance(exc, (smtplib.SMTPSenderRefused, smtplib.SMTPAuthenticationError)):
        return TransportError(f"SMTP {exc.smtp_code} (our sender or login): {exc.smtp_error!r}", permanent=False)
    if isinstance(exc, smtplib.SMTPResponseException):
        text = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        return TransportError(f"SMTP {exc.smtp_code}: {text}", permanent=500 <= exc.smtp_code < 600)
    return TransportError(f"SMTP connection failed: {type(exc).__name__}: {exc}", permanent=False)


class EmailTransport(Transport):
    """Sends through EMAIL_BACKEND, keeping one SMTP connection open for a whole claimed batch."""

    resend_is_safe = True  # the Message-ID is the same on every attempt; mail systems collapse a repeat

    def __init__(self) -> None:
        self.connection = None

    def build(self, delivery: Delivery) -> EmailMultiAlternatives:
        """The message for `delivery`: its rendered parts and headers, plus Message-ID and Content-Language."""
        headers = {key: value for key, value in delivery.headers.items() if key != "Reply-To"}
        headers["Message-ID"] = delivery.message_id()
        if delivery.language:
            headers["Content-Language"] = delivery.language
        reply_to = [delivery.headers["Reply-To"]] if delivery.headers.get("Reply-To") else None
        message = EmailMultiAlternatives(subject=delivery.subject, body=delivery.body_text,
                                         from_email=settings.DEFAULT_FROM_EMAIL, to=[delivery.address],
                                         reply_to=reply_to, headers=headers, connection=self.connection)
        if delivery.body_html:
            message.attach_alternative(delivery.body_html, "text/html")
        return message

    def send(self, delivery: Delivery) -> str:
        try:
            if self.connection is None:
                self.connection = get_connection(fail_silently=False)
                self.connection.open()  # held open until close(): send_messages() alone reconnects every time
            message = self.build(delivery)
            self.connection.send_messages([message])
        except (smtplib.SMTPException, OSError) as exc:
            self.close()  # the next message starts on a fresh connection
            raise smtp_error(exc) from exc
        return delivery.message_id()

    def close(self) -> None:
        if self.connection is not None:
            try:
                self.connection.close()
            except (smtplib.SMTPException, OSError):
                pass
            self.connection = None
