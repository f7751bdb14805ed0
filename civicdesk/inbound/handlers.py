"""SMS handlers that higher apps register, so a text can be an answer to them without inbound importing them.

An app higher in INSTALLED_APPS (for example civicdesk.feedback, "was it fixed?") registers a handler in its
AppConfig.ready()::

    from civicdesk.inbound import handlers

    handlers.register_sms_handler("feedback", take_feedback_reply)

`receive_sms()` asks each handler in registration order, after the keywords (STOP, START, HELP, STATUS) and
before threading the text onto the sender's open request (and, for a lone START word such as YES, before
turning texts back on: a conversation waiting for a "yes" takes it). A handler gets an `SmsText` and returns an
`SmsHandled` when the text is its own (the first one to answer wins), or None to let the message go on as
before. It runs inside the transaction that records the message once per provider id, so a provider retrying
the same text never reaches it twice; it must still be safe for the same words sent twice under two ids.

Mail handlers (`register_mail_handler`) own recipient addresses other than the signed reply addresses (for
example the city's report address, see civicdesk/conversations): the SMTP receiver accepts them at RCPT TO
and `receive_email()` hands their messages over, once per Message-ID and address.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class SmsText:
    """One incoming text: the sender's number as received, its words, and the language to answer in."""

    phone: str
    text: str
    language: str
    media_urls: tuple[str, ...] = ()
    message_id: str = ""
    #: The newest open request reported from this number (or by an account that verified it), or None.
    open_request: Any = None


@dataclass(frozen=True)
class SmsHandled:
    """A handler's answer: the text sent back, and the request and timeline entry it concerned (if any)."""

    answer: str
    request: Any = None
    entry: Any = None


SmsHandler = Callable[[SmsText], "SmsHandled | None"]

_SMS_HANDLERS: dict[str, SmsHandler] = {}


def register_sms_handler(name: str, handler: SmsHandler) -> None:
    """Add (or replace, by `name`) a handler asked about every incoming text."""
    _SMS_HANDLERS[name] = handler


def unregister_sms_handler(name: str) -> None:
    _SMS_HANDLERS.pop(name, None)


def handle_sms(message: SmsText) -> SmsHandled | None:
    """The first registered handler's answer to `message`, or None when no handler takes it."""
    for handler in list(_SMS_HANDLERS.values()):
        handled = handler(message)
        if handled is not None:
            return handled
    return None


# --- mail to other addresses than reply+…@ --------------------------------------------------------------------


@dataclass(frozen=True)
class IncomingMail:
    """A message for an address a mail handler accepts: the raw bytes, inbound's parse, the envelope."""

    raw: bytes
    parsed: Any          # inbound.mail.ParsedMail
    recipient: str
    envelope_sender: str


@dataclass(frozen=True)
class MailHandled:
    """What became of it: an InboundMessage outcome and reason (e.g. "accepted", "new_report")."""

    outcome: str
    reason: str = ""
    request: Any = None


@dataclass(frozen=True)
class MailHandler:
    """`accepts(address)` says whether the handler owns a recipient address (asked at SMTP RCPT TO);
    `handle(mail)` takes one message (never an automatic reply: inbound drops those first) and runs inside
    the transaction that records it once per Message-ID and address."""

    accepts: Callable[[str], bool]
    handle: Callable[[IncomingMail], MailHandled]


_MAIL_HANDLERS: dict[str, MailHandler] = {}


def register_mail_handler(name: str, handler: MailHandler) -> None:
    """Add (or replace, by `name`) a handler for mail to addresses other than the signed reply addresses."""
    _MAIL_HANDLERS[name] = handler


def unregister_mail_handler(name: str) -> None:
    _MAIL_HANDLERS.pop(name, None)


def mail_handler_for(address: str) -> MailHandler | None:
    """The first registered handler that accepts `address`, or None."""
    for handler in list(_MAIL_HANDLERS.values()):
        if handler.accepts(address):
            return handler
    return None
