"""Statutory deadlines in business days: the jurisdiction's opening days (its business hours) and holidays,
the same calendar the SLA due times use (`jurisdictions.services.business_calendar`).

"Within N business days of submission" counts the open days after the day of submission: submitted on a
Friday with 1 business day, the deadline is the next open day (Monday, or Tuesday when Monday is a holiday).
A pause for the applicant (the type's `pauses_clock`) adds back every open day on which the application was
waiting, counting the day the pause started but not the day it ended, when those days were open days.
"""

from __future__ import annotations

import datetime as dt

from civicdesk.jurisdictions.services import business_calendar

#: A calendar with no open day at all would loop for ever; a deadline is never searched this far.
_MAX_DAYS = 3660


def add_business_days(calendar, start: dt.date, days: int) -> dt.date:
    """The `days`-th open day after `start` (`start` itself when days is 0)."""
    day, counted = start, 0
    for _n in range(_MAX_DAYS):
        if counted >= days:
            return day
        day += dt.timedelta(days=1)
        if calendar.is_open_day(day):
            counted += 1
    raise ValueError("The jurisdiction's calendar has no open days: set its business hours.")


def business_days_between(calendar, start: dt.date, end: dt.date) -> int:
    """Open days in [start, end): how long a pause from `start` to `end` held the clock."""
    return sum(1 for n in range((end - start).days) if calendar.is_open_day(start + dt.timedelta(days=n)))


def business_days_left(calendar, today: dt.date, due: dt.date) -> int:
    """Open days after today up to and including `due` (0 when due today, negative when past)."""
    if due < today:
        return -business_days_between(calendar, due + dt.timedelta(days=1), today + dt.timedelta(days=1))
    return business_days_between(calendar, today + dt.timedelta(days=1), due + dt.timedelta(days=1))


def local_day(jurisdiction, moment: dt.datetime) -> dt.date:
    return moment.astimezone(jurisdiction.tz).date()


def calendar_for(jurisdiction):
    return business_calendar(jurisdiction)
