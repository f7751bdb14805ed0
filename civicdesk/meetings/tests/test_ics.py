"""The .ics file per meeting and the feed per jurisdiction, parsed back with icalendar."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import icalendar
import pytest

from civicdesk.meetings import services

from .helpers import make_meeting

pytestmark = pytest.mark.django_db
CHICAGO = zoneinfo.ZoneInfo("America/Chicago")


def test_it_writes_the_meeting_in_the_jurisdictions_time_zone_with_a_vtimezone(world, client):
    starts = dt.datetime(2027, 7, 1, 18, 30, tzinfo=CHICAGO)  # summer time: UTC-5
    meeting = make_meeting(world, starts_at=starts.astimezone(dt.UTC))
    response = client.get(f"/meetings/{meeting.pk}.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 1
    event = events[0]
    assert str(event["summary"]) == "Budget town hall"
    assert event["dtstart"].params["TZID"] == "America/Chicago"
    assert event.decoded("dtstart") == starts
    assert event.decoded("dtstart").astimezone(dt.UTC).hour == 23
    assert event.decoded("dtend") - event.decoded("dtstart") == dt.timedelta(hours=2)
    assert [tz["tzid"] for tz in calendar.walk("VTIMEZONE")] == ["America/Chicago"]
    assert event.decoded("dtstamp").utcoffset() == dt.timedelta(0)
    assert str(event["uid"]).startswith(f"meeting-{meeting.pk}@")
    assert str(event["status"]) == "CONFIRMED"
    assert str(event["location"]) == "1 Elm Square"


def test_it_uses_another_jurisdictions_time_zone(world, client):
    world.county.time_zone = "America/Los_Angeles"
    world.county.save()
    starts = dt.datetime(2027, 1, 10, 9, 0, tzinfo=zoneinfo.ZoneInfo("America/Los_Angeles"))
    meeting = make_meeting(world, jurisdiction=world.county, starts_at=starts)
    event = icalendar.Calendar.from_ical(client.get(f"/meetings/{meeting.pk}.ics").content).walk("VEVENT")[0]
    assert event["dtstart"].params["TZID"] == "America/Los_Angeles"
    assert event.decoded("dtstart").astimezone(dt.UTC) == starts.astimezone(dt.UTC)


def test_it_lists_a_jurisdictions_published_meetings_in_its_feed_and_marks_cancelled_ones(world, client):
    kept = make_meeting(world, title_en="Council, regular session")
    cancelled = make_meeting(world, title_en="Workshop on trees")
    services.cancel_meeting(cancelled, user=world.bob)
    make_meeting(world, title_en="Draft meeting", publish=False)
    make_meeting(world, title_en="County meeting", jurisdiction=world.county)
    response = client.get("/meetings/feed/elm.ics")
    calendar = icalendar.Calendar.from_ical(response.content)
    events = {str(e["summary"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {"Council, regular session", "Workshop on trees"}
    assert str(events["Workshop on trees"]["status"]) == "CANCELLED"
    assert str(events[kept.title]["uid"]) != str(events["Workshop on trees"]["uid"])
    assert client.get("/meetings/feed/nowhere.ics").status_code == 404


def test_it_keeps_script_in_a_title_as_plain_text(world, client):
    meeting = make_meeting(world, title_en="<script>alert('zebracanary')</script>")
    event = icalendar.Calendar.from_ical(client.get(f"/meetings/{meeting.pk}.ics").content).walk("VEVENT")[0]
    assert str(event["summary"]) == "<script>alert('zebracanary')</script>"
    assert client.get(f"/meetings/{make_meeting(world, publish=False).pk}.ics").status_code == 404
