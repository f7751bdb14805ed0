"""Text messages into the conversation engine, through the handler hook inbound offers (inbound/handlers.py).

A text is the engine's when its sender has an open conversation, when it says NEW, or when the number has no open
request to thread it onto as a reply (inbound's behaviour for those is unchanged). STOP stays inbound's opt-out;
a lone START word (YES) goes to a conversation only while one is open and the number is not opted out.
"""

from __future__ import annotations

from civicdesk.inbound.handlers import SmsHandled, SmsText
from civicdesk.inbound.services import START_WORDS

from . import services

CHANNEL = "sms"


def take_sms(message: SmsText) -> SmsHandled | None:
    """inbound's SMS handler: the engine's answer when the text belongs to a conversation, else None."""
    from civicdesk.notifications.services import is_suppressed

    text = message.text.strip()
    active = services.open_conversation(CHANNEL, message.phone)
    lone_word = text.upper().strip(".!") if len(text.split()) == 1 else ""
    if lone_word in START_WORDS and (active is None or is_suppressed("sms", message.phone)):
        return None
    if active is None and not services.is_restart(text) and message.open_request is not None:
        return None
    answer = services.receive(services.Incoming(
        channel=CHANNEL, sender=message.phone, text=message.text, media_urls=tuple(message.media_urls),
        message_id=message.message_id, language_hint=message.language))
    return SmsHandled(answer=answer.reply, request=answer.request)
