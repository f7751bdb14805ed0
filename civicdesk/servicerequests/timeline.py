"""System timeline messages: stored as a code and parameters, worded in the reader's language when shown.

A message written with gettext() at the time of the event is frozen in whatever language was active then
(a Spanish resident's report showed "Request received via Web." to everyone). Entries made by the system
store `message_code` and `message_params` instead; `TimelineEntry.display_message()` words them on each
display. `message` still holds the wording of the moment, for search, exports and old readers.
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext, gettext_lazy as _

#: code -> (msgid with %s placeholders, names of the params filling them in order).
MESSAGES: dict[str, tuple[str, tuple[str, ...]]] = {
    "received_via": (_("Request received via %s."), ("channel",)),
    "supported": (_("Another resident reported this problem too."), ()),
    "merged_in": (_("Duplicate %s merged into this request."), ("public_id",)),
}


def _channel_label(code: str) -> str:
    from .models import Channel

    try:
        return str(Channel(code).label)
    except ValueError:
        return code


#: How a stored parameter becomes words: codes are looked up in the reader's language, the rest is shown as is.
PARAM_WORDS: dict[str, Callable[[str], str]] = {"channel": _channel_label}


def render(code: str, params: dict) -> str | None:
    """The message for `code` in the active language, or None for a code this version does not know."""
    known = MESSAGES.get(code)
    if known is None:
        return None
    msgid, names = known
    values = tuple(PARAM_WORDS.get(name, str)(str(params.get(name, ""))) for name in names)
    text = gettext(str(msgid))
    return text % values if values else text
