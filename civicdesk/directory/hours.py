"""Opening hours: a week of spans, days with other hours (exceptions) and closed holidays, in one time zone."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def parse_hhmm(value: str) -> dt.time:
    """"08:30" → time(8, 30); raises ValueError with words a person understands."""
    try:
        hours, minutes = str(value).split(":")
        return dt.time(int(hours), int(minutes))
    except (ValueError, TypeError) as exc:
        raise ValueError(_("“%(value)s” is not a time like 08:30.") % {"value": value}) from exc


def validate_week(value) -> None:
    """A week of hours: {"mon": [["08:00", "12:00"], ["13:00", "17:00"]], ...}; days left out are closed.
    A single span may be written without the outer list ({"mon": ["08:00", "17:00"]}), as jurisdictions do."""
    if not isinstance(value, dict):
        raise ValidationError(_("Give the hours as a map of weekday to opening times."))
    for key, spans in value.items():
        if key not in WEEKDAYS:
            raise ValidationError(_("“%(key)s” is not a weekday (use mon, tue, wed, thu, fri, sat, sun).")
                                  % {"key": key})
        try:
            for opens, closes in normalise_spans(spans):
                if opens >= closes:
                    raise ValidationError(_("On %(day)s a closing time is not after its opening time.")
                                          % {"day": key})
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc


def normalise_spans(spans) -> list[tuple[dt.time, dt.time]]:
    """The spans of one day as (opens, closes) times, earliest first; [] for a closed day."""
    if not spans:
        return []
    if len(spans) == 2 and all(isinstance(part, str) for part in spans):
        spans = [spans]
    result = []
    for span in spans:
        if not isinstance(span, (list, tuple)) or len(span) != 2:
            raise ValueError(_("Each opening time is a pair like [\"08:00\", \"17:00\"]."))
        result.append((parse_hhmm(span[0]), parse_hhmm(span[1])))
    return sorted(result)


@dataclass(frozen=True)
class DayHours:
    """One date's opening hours: `spans` ([] when closed) and why they differ from the usual week (a
    holiday's or exception's note, else "")."""

    date: dt.date
    spans: list[tuple[dt.time, dt.time]]
    note: str = ""
    is_exception: bool = False

    @property
    def is_closed(self) -> bool:
        return not self.spans


@dataclass(frozen=True)
class OpenNow:
    """Whether a place is open at a moment, and until when or from when (local times)."""

    is_open: bool
    closes_at: dt.time | None = None
    next_opens: dt.datetime | None = None


class Schedule:
    """A week of spans plus dated exceptions ({date: DayHours}) in a time zone."""

    def __init__(self, week: dict, exceptions: dict[dt.date, DayHours], tz):
        self.week = {key: normalise_spans(week.get(key)) for key in WEEKDAYS}
        self.exceptions = exceptions
        self.tz = tz

    def day(self, date: dt.date) -> DayHours:
        """The hours of `date`: its exception when it has one, else the usual weekday's."""
        if date in self.exceptions:
            return self.exceptions[date]
        return DayHours(date, self.week[WEEKDAYS[date.weekday()]])

    def open_now(self, now: dt.datetime) -> OpenNow:
        """Open or closed at `now` (an aware datetime, read in the schedule's time zone); when closed, the next
        opening within two weeks (None when there is none)."""
        local = now.astimezone(self.tz)
        today = self.day(local.date())
        for opens, closes in today.spans:
            if opens <= local.time() < closes:
                return OpenNow(True, closes_at=closes)
        for offset in range(15):
            date = local.date() + dt.timedelta(days=offset)
            for opens, _closes in self.day(date).spans:
                if offset or opens > local.time():
                    return OpenNow(False, next_opens=dt.datetime.combine(date, opens, tzinfo=self.tz))
        return OpenNow(False)

    def weekly_rows(self) -> list[tuple[int, list[tuple[dt.time, dt.time]]]]:
        """(weekday 0=Monday, spans) for the seven days, Monday first; [] spans for a closed day."""
        return [(index, self.week[key]) for index, key in enumerate(WEEKDAYS)]

    def upcoming_exceptions(self, start: dt.date, days: int = 60) -> list[DayHours]:
        """The exceptions from `start` for `days` days, in date order."""
        end = start + dt.timedelta(days=days)
        return [self.exceptions[date] for date in sorted(self.exceptions) if start <= date <= end]
