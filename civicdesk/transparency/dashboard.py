"""The public dashboard's numbers for one set of filters, read from the roll-ups only (rollups.py).

`build_dashboard()` returns everything the page, its data tables and its CSV downloads show, so the page
and each download can never disagree. Each number is defined in docs/dashboards.md.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

from django.utils import timezone

from civicdesk.catalog.models import ServiceType
from civicdesk.feedback import stats as feedback_stats

from . import rollups
from .rollups import AGE_BUCKETS, Scope, Totals

#: "The same period last year" is shifted by 52 weeks, so weekdays line up (a Monday compares with a Monday).
YEAR = dt.timedelta(days=364)
BUSIEST = 10


@dataclass
class Week:
    start: dt.date
    end: dt.date
    received: int
    received_last_year: int


@dataclass
class KindRow:
    service_type_id: int
    name: str
    received: int
    received_last_year: int

    @property
    def change(self) -> int:
        return self.received - self.received_last_year

    @property
    def change_percent(self) -> float | None:
        """Change against last year in per cent; None when last year had none."""
        return None if not self.received_last_year else 100 * self.change / self.received_last_year


@dataclass
class Dashboard:
    scope: Scope
    period_days: int
    today: dt.date
    start: dt.date
    current: Totals
    last_year: Totals
    weeks: list[Week] = field(default_factory=list)
    backlog: dict[str, int] = field(default_factory=dict)
    kinds: list[KindRow] = field(default_factory=list)
    synced_at: dt.datetime | None = None
    #: Residents' "was it fixed?" answers in the period (civicdesk.feedback.stats.Row); read live, not rolled up.
    satisfaction: object = None

    @property
    def backlog_total(self) -> int:
        return sum(self.backlog.values())


def period_start(today: dt.date, days: int) -> dt.date:
    return today - dt.timedelta(days=days - 1)


def build_dashboard(scope: Scope, *, period_days: int, today: dt.date | None = None) -> Dashboard:
    """Every number of the dashboard for `scope` over the last `period_days` days up to `today` (local)."""
    today = today or timezone.localdate()
    start = period_start(today, period_days)
    board = Dashboard(scope=scope, period_days=period_days, today=today, start=start,
                      current=rollups.totals(scope, start, today),
                      last_year=rollups.totals(scope, start - YEAR, today - YEAR))
    weeks = math.ceil(period_days / 7)
    first = today - dt.timedelta(days=7 * weeks - 1)
    daily = rollups.totals_by_day(scope, first - YEAR, today)
    for index in range(weeks):
        week_start = first + dt.timedelta(days=7 * index)
        days = [week_start + dt.timedelta(days=n) for n in range(7)]
        board.weeks.append(Week(start=week_start, end=days[-1],
                                received=sum(daily.get(day, {}).get("received", 0) for day in days),
                                received_last_year=sum(daily.get(day - YEAR, {}).get("received", 0)
                                                       for day in days)))
    board.backlog = rollups.backlog(scope, today)
    now = rollups.totals_by_service_type(scope, start, today)
    before = rollups.totals_by_service_type(scope, start - YEAR, today - YEAR)
    top = sorted((pk for pk, t in now.items() if t.received), key=lambda pk: (-now[pk].received, pk))[:BUSIEST]
    names = dict(ServiceType.objects.filter(pk__in=top).values_list("pk", "name"))
    board.kinds = [KindRow(pk, names.get(pk, str(pk)), now[pk].received,
                           before[pk].received if pk in before else 0) for pk in top]
    board.synced_at = rollups.synced_at()
    board.satisfaction = feedback_stats.public_summary(
        start, today, jurisdiction_id=scope.jurisdiction_id, department_id=scope.department_id,
        service_type_id=scope.service_type_id, district_id=scope.district_id)
    return board


def age_keys() -> list[str]:
    return [key for key, _, _ in AGE_BUCKETS]


def days_value(hours: float | None) -> float | None:
    """Hours (a histogram bound) as days, for tables and CSV; None (nothing closed) and math.inf (a year or
    more) stay as they are."""
    if hours is None or math.isinf(hours):
        return hours
    return round(hours / 24, 4)


def summary_rows(board: Dashboard) -> list[tuple[str, str, float | int | None, float | int | None]]:
    """(key, label, this period, same period last year) for the summary table and its CSV."""
    from django.utils.translation import gettext as _

    now, before = board.current, board.last_year
    return [
        ("received", _("Requests received"), now.received, before.received),
        ("closed", _("Requests closed"), now.closed, before.closed),
        ("median_days_to_close", _("Median days to close (at most)"), days_value(now.percentile_hours(50)),
         days_value(before.percentile_hours(50))),
        ("p90_days_to_close", _("90th-percentile days to close (at most)"), days_value(now.percentile_hours(90)),
         days_value(before.percentile_hours(90))),
        ("closed_within_sla_share", _("Share closed within the SLA"), now.sla_share(), before.sla_share()),
        ("reopen_rate", _("Reopen rate (reopenings per closure)"), now.reopen_rate(), before.reopen_rate()),
    ]


def satisfaction_rows(board: Dashboard) -> list[tuple[str, str, float | int | None]]:
    """(key, label, value) of the "Was it fixed?" table and its CSV (defined in docs/feedback.md)."""
    from django.utils.translation import gettext as _

    row = board.satisfaction
    return [("answers", _("Answers"), row.answers),
            ("fixed_share", _("Share saying it was fixed"), row.fixed_share),
            ("mean_satisfaction", _("Mean satisfaction (1–5)"),
             None if row.mean_satisfaction is None else round(row.mean_satisfaction, 2))]


def age_labels() -> dict[str, str]:
    from django.utils.translation import gettext as _

    return {"under_1": _("Less than 1 day"), "1_to_7": _("1 to 7 days"), "7_to_30": _("7 to 30 days"),
            "over_30": _("More than 30 days")}


def age_chart_labels() -> list[str]:
    """Shorter age labels for the bar chart's narrow label column (the table uses age_labels())."""
    from django.utils.translation import gettext as _

    return [_("Under 1 day"), _("1–7 days"), _("7–30 days"), _("Over 30 days")]
