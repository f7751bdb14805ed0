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
from civicdesk.transparency.models import HOUR_EDGES, KEYS, MEASURES, DailyCount


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
    """The DailyCount table in the same shape (rows with nothing in them left out)."""
    found = {}
    for row in DailyCount.objects.values(*KEYS, *MEASURES):
        counter = +Counter({name: row[name] for name in MEASURES})
        if counter:
            found[tuple(row[key] for key in KEYS)] = counter
    return found
