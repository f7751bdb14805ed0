"""Detection stays on an index: EXPLAIN of every query detect() sends, on PostgreSQL, at 40,000 requests.

Two years of generated requests (so the 14-week range is an eighth of the table), VACUUM ANALYZE for real
statistics and a visibility map: a plan that still reads the whole requests table would cost seconds at ten
million rows.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from civicdesk.datasets.generator import generate_requests
from civicdesk.insights.detection import detect
from civicdesk.servicerequests.models import ServiceRequest

pytestmark = pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="query plans are checked on PostgreSQL (SQLite's planner has no statistics to test against)",
)
NOW = dt.datetime(2026, 8, 20, 15, 0, tzinfo=dt.timezone.utc)


@pytest.mark.django_db(transaction=True)
def test_it_reads_the_requests_through_an_index(tworld):
    generate_requests(40_000, seed=3, now=NOW, since_days=730, clusters=5)
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {ServiceRequest._meta.db_table}")
    with CaptureQueriesContext(connection) as captured:
        found = detect(NOW)
    assert [f for f in found.findings if f.kind == "cell"]
    plans = []
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            cursor.execute("EXPLAIN " + query["sql"])
            plans.append("\n".join(row[0] for row in cursor.fetchall()))
    assert len(plans) == 5
    for plan in plans:
        assert f"Seq Scan on {ServiceRequest._meta.db_table}" not in plan, plan
    # The cells aggregate reads a range of requested_at (an index-only scan of ins_sr_detection once the
    # visibility map is set; the planner may still prefer sr_requested at this small size).
    assert "Index Only Scan using ins_sr_detection" in plans[0] or "sr_requested" in plans[0], plans[0]
