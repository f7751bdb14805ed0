"""Direct computations of what the roll-ups should hold, straight from the requests table, for the tests.

Written independently of rollups.py (plain ORM objects, an explicit loop over the bucket edges) so a test
comparing the two catches a mistake in either.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import Counter, defaultdict

from django.conf import settings

from civicdesk.servicerequests.models import ServiceRequest, TimelineEntry
from civicdesk.transparency.models import HOUR_EDGES, KEYS, MEASURES, TYPE_KEYS, DailyCount, DailyTypeCount


def local_day(when: dt.datetime) -> dt.date:
    return when.astimezone(zoneinfo.ZoneInfo(settings.TIME_ZONE)).date()


def bucket_of(hours: float) -> int:
    for index, edge in enumerate(HOUR_EDGES):
        if hours < edge:
            return index
    return len(HOUR_EDGES)


def dims(request: ServiceRequest) -> tuple:
    return (request.jurisdiction_id, request.department_id or 0, request.service_type_id, request.district_id or 0)


def expected_counts() -> dict[tuple, Counter]:
    """{(day, jurisdiction, department, type, district): Counter of measures} computed from the requests."""
    table: dict[tuple, Counter] = defaultdict(Counter)
    public = list(ServiceRequest.objects.public())
    for request in public:
        received = table[(local_day(request.requested_at), *dims(request))]
        received["received"] += 1
        if request.is_open:
            received["open_now"] += 1
        elif request.closed_at is not None:
            closed = table[(local_day(request.closed_at), *dims(request))]
            closed["closed"] += 1
            hours = max(0.0, (request.closed_at - request.requested_at).total_seconds() / 3600)
            closed[f"h{bucket_of(hours):02d}"] += 1
            if request.expected_at is not None:
                closed["closed_with_sla"] += 1
                closed["closed_within_sla"] += int(request.closed_at <= request.expected_at)
    by_pk = {request.pk: request for request in public}
    reopenings = TimelineEntry.objects.filter(kind="status", request_id__in=list(by_pk), status_from__kind="closed",
                                              status_to__kind="open")
    for entry in reopenings:
        table[(local_day(entry.created_at), *dims(by_pk[entry.request_id]))]["reopened"] += 1
    return {key: +counter for key, counter in table.items() if +counter}


def stored_counts() -> dict[tuple, Counter]:
    """The DailyCount table in the same shape (rows with nothing in them left out).

    Also checks that DailyTypeCount holds exactly DailyCount summed per day, jurisdiction and type.
    """
    found = _read(DailyCount, KEYS)
    coarse: dict[tuple, Counter] = defaultdict(Counter)
    for (day, jurisdiction, _department, service_type, _district), counter in found.items():
        coarse[(day, jurisdiction, service_type)].update(counter)
    assert _read(DailyTypeCount, TYPE_KEYS) == dict(coarse), "DailyTypeCount is not DailyCount summed"
    return found


def _read(model, keys) -> dict[tuple, Counter]:
    found = {}
    for row in model.objects.values(*keys, *MEASURES):
        counter = +Counter({name: row[name] for name in MEASURES})
        if counter:
            found[tuple(row[key] for key in keys)] = counter
    return found


def nearest_rank_edge_days(hours: list[float], pct: float):
    """The histogram bound (in days) of the nearest-rank percentile of these times to close; None for none."""
    import math

    if not hours:
        return None
    ordered = sorted(max(0.0, h) for h in hours)
    value = ordered[max(1, math.ceil(len(ordered) * pct / 100)) - 1]
    bucket = bucket_of(value)
    return math.inf if bucket == len(HOUR_EDGES) else round(HOUR_EDGES[bucket] / 24, 4)


def direct_dashboard(today: dt.date, period: int, **filters) -> dict:
    """Every dashboard number computed straight from the requests and timeline tables (no roll-ups)."""
    year = dt.timedelta(days=364)
    start = today - dt.timedelta(days=period - 1)
    public = list(ServiceRequest.objects.public().filter(**filters).select_related("service_type"))

    def within(day, first, last):
        return first <= day <= last

    def figures(first, last):
        received = [r for r in public if within(local_day(r.requested_at), first, last)]
        closed = [r for r in public if not r.is_open and r.closed_at and within(local_day(r.closed_at), first, last)]
        hours = [(r.closed_at - r.requested_at).total_seconds() / 3600 for r in closed]
        with_sla = [r for r in closed if r.expected_at is not None]
        reopened = TimelineEntry.objects.filter(kind="status", request__in=[r.pk for r in public],
                                                status_from__kind="closed", status_to__kind="open")
        reopened = [e for e in reopened if within(local_day(e.created_at), first, last)]
        return {"received": len(received), "closed": len(closed),
                "median_days_to_close": nearest_rank_edge_days(hours, 50),
                "p90_days_to_close": nearest_rank_edge_days(hours, 90),
                "closed_within_sla_share": (sum(r.closed_at <= r.expected_at for r in with_sla) / len(with_sla)
                                            if with_sla else None),
                "reopen_rate": len(reopened) / len(closed) if closed else None}

    weeks = -(-period // 7)
    first = today - dt.timedelta(days=7 * weeks - 1)
    weekly = []
    for index in range(weeks):
        week_start = first + dt.timedelta(days=7 * index)
        week_end = week_start + dt.timedelta(days=6)
        weekly.append((week_start, sum(within(local_day(r.requested_at), week_start, week_end) for r in public),
                       sum(within(local_day(r.requested_at), week_start - year, week_end - year) for r in public)))
    backlog = Counter()
    for r in public:
        if r.is_open:
            age = (today - local_day(r.requested_at)).days
            backlog["under_1" if age < 1 else "1_to_7" if age < 7 else "7_to_30" if age < 30 else "over_30"] += 1
    kinds = Counter(r.service_type.name for r in public if within(local_day(r.requested_at), start, today))
    kinds_before = Counter(r.service_type.name for r in public
                           if within(local_day(r.requested_at), start - year, today - year))
    return {"now": figures(start, today), "last_year": figures(start - year, today - year), "weekly": weekly,
            "backlog": {key: backlog[key] for key in ("under_1", "1_to_7", "7_to_30", "over_30")},
            "kinds": {name: (n, kinds_before[name]) for name, n in kinds.items()}}
