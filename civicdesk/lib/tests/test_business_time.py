"""BusinessCalendar: SLA due times counted in opening hours, skipping weekends and holidays."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from civicdesk.lib.business_time import BusinessCalendar

CHICAGO = zoneinfo.ZoneInfo("America/Chicago")
WEEKDAYS = {d: ["08:00", "17:00"] for d in ["mon", "tue", "wed", "thu", "fri"]}


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=CHICAGO)


def test_it_counts_hours_within_one_day():
    calendar = BusinessCalendar.from_hours(WEEKDAYS, "America/Chicago", [])
    assert calendar.add_business_hours(at(2026, 11, 24, 9, 0), 3) == at(2026, 11, 24, 12, 0)


def test_it_starts_counting_at_opening_when_submitted_at_night():
    calendar = BusinessCalendar.from_hours(WEEKDAYS, "America/Chicago", [])
    assert calendar.add_business_hours(at(2026, 11, 24, 22, 0), 2) == at(2026, 11, 25, 10, 0)


def test_it_skips_a_weekend():
    calendar = BusinessCalendar.from_hours(WEEKDAYS, "America/Chicago", [])
    # Friday 15:00 + 4 business hours = 2 on Friday, 2 on Monday.
    assert calendar.add_business_hours(at(2026, 11, 20, 15, 0), 4) == at(2026, 11, 23, 10, 0)


def test_it_skips_a_holiday_and_the_weekend_after_it():
    thanksgiving, friday_after = dt.date(2026, 11, 26), dt.date(2026, 11, 27)
    calendar = BusinessCalendar.from_hours(WEEKDAYS, "America/Chicago", [thanksgiving, friday_after])
    # Wednesday 16:00 + 3 h: 1 h Wednesday, then Thursday/Friday holidays and the weekend, 2 h Monday.
    assert calendar.add_business_hours(at(2026, 11, 25, 16, 0), 3) == at(2026, 11, 30, 10, 0)


def test_it_lands_exactly_on_closing_time():
    calendar = BusinessCalendar.from_hours(WEEKDAYS, "America/Chicago", [])
    assert calendar.add_business_hours(at(2026, 11, 24, 8, 0), 9) == at(2026, 11, 24, 17, 0)


def test_it_handles_the_daylight_saving_change():
    calendar = BusinessCalendar.from_hours(WEEKDAYS, "America/Chicago", [])
    # Clocks go back on Sunday 1 November 2026; Friday 16:00 + 2 h is Monday 09:00 local.
    due = calendar.add_business_hours(at(2026, 10, 30, 16, 0), 2)
    assert due == at(2026, 11, 2, 9, 0) and due.utcoffset() == dt.timedelta(hours=-6)


def test_it_accepts_a_utc_start_and_answers_in_local_time():
    calendar = BusinessCalendar.from_hours(WEEKDAYS, "America/Chicago", [])
    start = dt.datetime(2026, 11, 24, 15, 0, tzinfo=dt.timezone.utc)  # 09:00 in Chicago
    assert calendar.add_business_hours(start, 1) == at(2026, 11, 24, 10, 0)


def test_it_counts_wall_clock_time_when_always_open():
    calendar = BusinessCalendar.from_hours({d: ["00:00", "24:00"] for d in
                                            ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]}, "UTC", [])
    start = dt.datetime(2026, 11, 21, 10, 0, tzinfo=dt.timezone.utc)
    assert calendar.add_business_hours(start, 48) == start + dt.timedelta(hours=48)


def test_it_measures_business_hours_between_two_times():
    calendar = BusinessCalendar.from_hours(WEEKDAYS, "America/Chicago", [])
    assert calendar.business_hours_between(at(2026, 11, 20, 15, 0), at(2026, 11, 23, 10, 0)) == 4
    assert calendar.business_hours_between(at(2026, 11, 23, 10, 0), at(2026, 11, 20, 15, 0)) == 0


@pytest.mark.parametrize("hours,message", [
    ({"monday": ["08:00", "17:00"]}, "not a weekday"),
    ({"mon": ["17:00", "08:00"]}, "closing time must come after"),
    ({"mon": ["8am", "5pm"]}, "not a time"),
    ({"mon": "08:00-17:00"}, "must be [opening, closing]"),
])
def test_it_explains_a_malformed_hours_table(hours, message):
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("]", r"\]")):
        BusinessCalendar.from_hours(hours, "America/Chicago", [])


def test_it_refuses_a_naive_start():
    calendar = BusinessCalendar.from_hours(WEEKDAYS, "America/Chicago", [])
    with pytest.raises(ValueError):
        calendar.add_business_hours(dt.datetime(2026, 11, 24, 9, 0), 1)
