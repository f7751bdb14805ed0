"""Meetings as iCalendar (RFC 5545): one .ics file per meeting and a feed per jurisdiction.

Times are written in the jurisdiction's time zone with a TZID and the matching VTIMEZONE (so a calendar
in another zone shows the right hour, summer time included); DTSTAMP and LAST-MODIFIED are UTC as the RFC
requires. Built with the `icalendar` library (wrapped here once).
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.utils import timezone

from .models import Meeting


def _host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "civicdesk"


def meeting_uid(meeting: Meeting) -> str:
    """A UID that stays the same for the meeting forever, so calendars update rather than duplicate it."""
    return f"meeting-{meeting.pk}@{_host()}"


def _event(meeting: Meeting) -> icalendar.Event:
    tz = meeting.local_tz()
    event = icalendar.Event()
    event.add("uid", meeting_uid(meeting))
    event.add("dtstamp", timezone.now())
    event.add("dtstart", meeting.starts_at.astimezone(tz))
    event.add("dtend", meeting.ends_at.astimezone(tz))
    event.add("summary", meeting.title)
    url = settings.SITE_URL + meeting.get_absolute_url()
    description = "\n\n".join(part for part in [meeting.body, meeting.online_url, url] if part)
    event.add("description", description)
    event.add("url", url)
    if meeting.address:
        event.add("location", meeting.address)
    elif meeting.online_url:
        event.add("location", meeting.online_url)
    if meeting.has_place():
        event.add("geo", (meeting.lat, meeting.long))
    event.add("last-modified", meeting.updated_at)
    event.add("status", "CANCELLED" if meeting.cancelled_at else "CONFIRMED")
    event.add("categories", [meeting.get_kind_display()])
    return event


def calendar_bytes(meetings: Iterable[Meeting], *, name: str) -> bytes:
    """A VCALENDAR holding one VEVENT per meeting and the VTIMEZONEs they use, as bytes (CRLF lines)."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//CivicDesk//Meetings//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    for meeting in meetings:
        calendar.add_component(_event(meeting))
    calendar.add_missing_timezones()
    return calendar.to_ical()
