"""Opening hours (civicdesk/directory/hours.py): validation, the day's hours, "open now" in the time zone."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.core.exceptions import ValidationError

from civicdesk.directory.hours import DayHours, Schedule, validate_week

CHICAGO = zoneinfo.ZoneInfo("America/Chicago")
WEEK = {"mon": [["08:00", "12:00"], ["13:00", "17:00"]], "tue": ["09:00", "17:00"]}


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    """A moment of the week of Monday 7 December 2026, Chicago time."""
    return dt.datetime(2026, 12, 7 + day, hour, minute, tzinfo=CHICAGO)


def test_it_is_open_inside_a_span_and_says_until_when():
    status = Schedule(WEEK, {}, CHICAGO).open_now(at(0, 9))
    assert status.is_open and status.closes_at == dt.time(12)


def test_it_is_closed_at_lunch_and_opens_again_the_same_day():
    status = Schedule(WEEK, {}, CHICAGO).open_now(at(0, 12, 30))
    assert not status.is_open and status.next_opens == at(0, 13)


def test_it_reads_now_in_the_jurisdictions_time_zone():
    # 15:30 UTC is 9:30 in Chicago (open); 23:30 UTC is 17:30 in Chicago (closed).
    schedule = Schedule(WEEK, {}, CHICAGO)
    assert schedule.open_now(dt.datetime(2026, 12, 7, 15, 30, tzinfo=dt.UTC)).is_open
    assert not schedule.open_now(dt.datetime(2026, 12, 7, 23, 30, tzinfo=dt.UTC)).is_open


def test_it_skips_closed_days_and_exceptions_to_the_next_opening():
    holiday = DayHours(dt.date(2026, 12, 8), [], "Holiday", True)
    status = Schedule(WEEK, {holiday.date: holiday}, CHICAGO).open_now(at(0, 18))
    assert status.next_opens == at(7, 8)


def test_it_uses_an_exceptions_hours_for_its_day():
    short = DayHours(dt.date(2026, 12, 7), [(dt.time(10), dt.time(11))], "Training", True)
    schedule = Schedule(WEEK, {short.date: short}, CHICAGO)
    assert not schedule.open_now(at(0, 9)).is_open and schedule.open_now(at(0, 10, 30)).is_open


def test_it_has_no_next_opening_when_never_open():
    assert Schedule({}, {}, CHICAGO).open_now(at(0, 9)).next_opens is None


@pytest.mark.parametrize("week", [{"someday": ["08:00", "17:00"]}, {"mon": ["17:00", "08:00"]},
                                  {"mon": ["8 o'clock", "17:00"]}, {"mon": [["08:00"]]}, ["mon"]])
def test_it_refuses_a_week_a_person_got_wrong(week):
    with pytest.raises(ValidationError):
        validate_week(week)
