"""Template filters for meetings: when a meeting happens, in its jurisdiction's time zone."""

from __future__ import annotations

from django import template
from django.utils import formats

register = template.Library()


@register.filter
def meeting_when(meeting) -> str:
    """"Tuesday, Dec. 8, 2026, 6 p.m. – 8 p.m. CST" in the reader's language, in the meeting's own time zone
    (the end's date is repeated only when the meeting runs past midnight)."""
    starts, ends = meeting.local_starts(), meeting.local_ends()
    first = f"{formats.date_format(starts, 'l')}, {formats.date_format(starts, 'DATE_FORMAT')}, " \
            f"{formats.time_format(starts, 'TIME_FORMAT')}"
    if ends.date() == starts.date():
        last = formats.time_format(ends, "TIME_FORMAT")
    else:
        last = f"{formats.date_format(ends, 'DATE_FORMAT')}, {formats.time_format(ends, 'TIME_FORMAT')}"
    return f"{first} – {last} {ends.tzname()}"


@register.filter
def meeting_date(meeting) -> str:
    """The start's date alone ("Dec. 8, 2026"), in the meeting's time zone."""
    return formats.date_format(meeting.local_starts(), "DATE_FORMAT")
