"""Business-hours arithmetic for SLA due times: opening hours per weekday, holidays, time zones."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass

DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def _parse_hhmm(value: str) -> dt.time:
    try:
        hours, minutes = value.split(":")
        if hours == "24" and minutes == "00":
            return dt.time.max
        return dt.time(int(hours), int(minutes))
    except (ValueError, AttributeError) as exc:
        raise ValueError(f"{value!r} is not a time like 08:00") from exc


@dataclass(frozen=True)
class BusinessCalendar:
    """Opening hours per weekday (0 = Monday) in one time zone, and closed dates."""

    hours: dict[int, tuple[dt.time, dt.time]]
    tz: zoneinfo.ZoneInfo
    holidays: frozenset[dt.date]

    @classmethod
    def from_hours(cls, hours: dict, time_zone: str, holidays: Iterable[dt.date]) -> BusinessCalendar:
        """Build from {"mon": ["08:00", "17:00"], ...}; raises ValueError on a malformed table."""
        if not isinstance(hours, dict):
            raise ValueError("Business hours must map weekdays to [opening, closing] times.")
        parsed: dict[int, tuple[dt.time, dt.time]] = {}
        for day, span in hours.items():
            if day not in DAYS:
                raise ValueError(f"{day!r} is not a weekday; use {', '.join(DAYS)}.")
            if not isinstance(span, (list, tuple)) or len(span) != 2:
                raise ValueError(f"Hours for {day} must be [opening, closing].")
            start, end = _parse_hhmm(span[0]), _parse_hhmm(span[1])
            if end <= start:
                raise ValueError(f"On {day} closing time must come after opening time.")
            parsed[DAYS.index(day)] = (start, end)
        return cls(parsed, zoneinfo.ZoneInfo(time_zone), frozenset(holidays))

    def is_open_day(self, day: dt.date) -> bool:
        return day.weekday() in self.hours and day not in self.holidays

    def _span(self, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
        start, end = self.hours[day.weekday()]
        opening = dt.datetime.combine(day, start, self.tz)
        closing = (
            dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), self.tz)
            if end == dt.time.max
            else dt.datetime.combine(day, end, self.tz)
        )
        return opening, closing

    def add_business_hours(self, start: dt.datetime, hours: float) -> dt.datetime:
        """The moment `hours` of open time after `start` (an aware datetime).

        Time outside opening hours, on closed weekdays and on holidays does not
        count. With no open day at all in the calendar, counts wall-clock time.
        Returns an aware datetime in the calendar's time zone.
        """
        if start.tzinfo is None:
            raise ValueError("start must be timezone-aware")
        remaining = dt.timedelta(hours=hours)
        current = start.astimezone(self.tz)
        if not self.hours:
            return current + remaining
        day = current.date()
        for _ in range(3660):  # ten years of days is far past any SLA
            if self.is_open_day(day):
                opening, closing = self._span(day)
                begin = max(current, opening)
                if begin < closing:
                    available = closing - begin
                    if remaining <= available:
                        return begin + remaining
                    remaining -= available
            day += dt.timedelta(days=1)
            current = dt.datetime.combine(day, dt.time(0), self.tz)
        raise ValueError("The SLA does not fall within ten years of business days")

    def business_hours_between(self, start: dt.datetime, end: dt.datetime) -> float:
        """Open hours between two aware datetimes (0 when end is before start)."""
        if end <= start:
            return 0.0
        if not self.hours:
            return (end - start).total_seconds() / 3600
        total = dt.timedelta()
        day = start.astimezone(self.tz).date()
        last = end.astimezone(self.tz).date()
        while day <= last:
            if self.is_open_day(day):
                opening, closing = self._span(day)
                lo, hi = max(opening, start), min(closing, end)
                if hi > lo:
                    total += hi - lo
            day += dt.timedelta(days=1)
        return total.total_seconds() / 3600
