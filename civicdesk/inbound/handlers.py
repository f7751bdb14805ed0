"""SMS handlers that higher apps register, so a text can be an answer to them without inbound importing them.

An app higher in INSTALLED_APPS (for example civicdesk.feedback, "was it fixed?") registers a handler in its
AppConfig.ready()::

    from civicdesk.inbound import handlers

    handlers.register_sms_handler("feedback", take_feedback_reply)

`receive_sms()` asks each handler in registration order, after the keywords (STOP, START, HELP, STATUS) and
before threading the text onto the sender's open request. A handler gets an `SmsText` and returns an
`SmsHandled` when the text is its own (the first one to answer wins), or None to let the message go on as
before. It runs inside the transaction that records the message once per provider id, so a provider retrying
the same text never reaches it twice; it must still be safe for the same words sent twice under two ids.
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
