"""Hot read paths stay on an index: EXPLAIN of the SQL the real code sends, on PostgreSQL.

The requests and timeline tables get 24,000 rows spread over a year (copied in
SQL from three submitted ones), then ANALYZE gives the planner real statistics.
At that size a sequential scan is already dearer than the index for every path
checked here, so a plan that still scans the whole table means a missing or
unusable index, which at 10,000,000 rows would cost seconds. Each path runs
through the code that serves it, its SQL is captured, and every captured query
that reads the requests or timeline table is explained.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.conf import settings
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from civicdesk.open311.services import find_requests
from civicdesk.servicerequests import services
from civicdesk.servicerequests.models import ServiceRequest, TimelineEntry
from civicdesk.staff import services as staff
from civicdesk.testing.world import IN_EAST_ELM, IN_WEST_ELM
from civicdesk.triage.services import duplicate_candidates

pytestmark = pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="query plans are checked on PostgreSQL (SQLite's planner has no statistics to test against)",
)

COPIES = 8000
HOT_TABLES = {ServiceRequest._meta.db_table, TimelineEntry._meta.db_table}


def _seed_rows(world) -> None:
    """3 submitted requests, then COPIES copies of each in SQL: new tracking numbers, times over the past year,
    places spread over a few kilometres, about 10% still open; each copy gets its own timeline entry."""
    for n, kind in enumerate([world.pothole, world.graffiti, world.garbage]):
        lat, long = (IN_EAST_ELM if n % 2 else IN_WEST_ELM)
        services.submit_request(service_type=kind, lat=lat, long=long, attributes={"depth": "deep"},
                                description=f"Seed {n}", contact_email=f"seed{n}@example.org")
    sr = ServiceRequest._meta.db_table
    columns = [f.column for f in ServiceRequest._meta.concrete_fields if f.column != "id"]
    varied = {
        # Unique by construction (n <= 3, g < 65536): hex digits in the XXXX-XXXX shape of a tracking number.
        "public_id": "upper(substr(lpad(to_hex(s.n * 65536 + g), 8, '0'), 1, 4) || '-' || "
                     "substr(lpad(to_hex(s.n * 65536 + g), 8, '0'), 5, 4))",
        "requested_at": "now() - (g * interval '65 minutes') - (s.n * interval '1 minute')",
        "updated_at": "now() - (g * interval '65 minutes')",
        "is_open": "(g %% 10 = 0)",
        "closed_at": "CASE WHEN g %% 10 = 0 THEN NULL ELSE now() - (g * interval '60 minutes') END",
        "lat": "s.lat + ((g * 7919) %% 1000) * 0.00004",
        "long": "s.long + ((g * 104729) %% 1000) * 0.00004",
    }
    select = ", ".join(varied.get(c, f's."{c}"') for c in columns)
    tl = TimelineEntry._meta.db_table
    tl_columns = [f.column for f in TimelineEntry._meta.concrete_fields if f.column not in ("id", "request_id")]
    with connection.cursor() as cursor:
        cursor.execute(f'INSERT INTO {sr} ({", ".join(columns)}) SELECT {select} '
                       f"FROM (SELECT *, row_number() OVER (ORDER BY id) AS n FROM {sr}) s, generate_series(1, %s) g",
                       [COPIES])
        cursor.execute(f'INSERT INTO {tl} (request_id, {", ".join(tl_columns)}) '
                       f'SELECT r.id, {", ".join(f"t.{c}" for c in tl_columns)} FROM {sr} r '
                       f"JOIN LATERAL (SELECT * FROM {tl} t0 LIMIT 1) t ON true "
                       f"WHERE NOT EXISTS (SELECT 1 FROM {tl} x WHERE x.request_id = r.id)")
        # Earlier tests' rolled-back rows stay in the indexes as dead entries until a vacuum, which cannot run
        # inside this test's transaction; a small partial index swollen with them (sr_triage after the triage
        # tests) looked dearer than a bigger one and lost the plan in the full suite. Rebuilt from the live rows,
        # every index is its real size, as autovacuum keeps it in production.
        cursor.execute(f"REINDEX TABLE {sr}")
        cursor.execute(f"REINDEX TABLE {tl}")
        cursor.execute(f"ANALYZE {sr}")
        cursor.execute(f"ANALYZE {tl}")


def _scans(node: dict) -> list[tuple[str, str, str]]:
    """(node type, table, index) of every scan in a JSON plan tree; a Bitmap Index Scan names only its index."""
    found = []
    if "Relation Name" in node or "Index Name" in node:
        found.append((node["Node Type"], node.get("Relation Name", ""), node.get("Index Name", "")))
    for child in node.get("Plans", []):
        found += _scans(child)
    return found


def _plans(captured) -> list[tuple[str, list[tuple[str, str, str]]]]:
    """The SQL and the scans of every captured SELECT that reads the requests or timeline table."""
    plans = []
    for query in captured.captured_queries:
        sql = query["sql"]
        if not sql.startswith(("SELECT", "WITH")) or not any(f'"{table}"' in sql for table in HOT_TABLES):
            continue
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (FORMAT JSON) " + sql)
            plan = cursor.fetchone()[0]
        plan = json.loads(plan) if isinstance(plan, str) else plan
        plans.append((sql, _scans(plan[0]["Plan"])))
    return plans


def _assert_indexed(captured, *, expect_index: str | tuple[str, ...] = ()) -> None:
    """No sequential scan of the requests or timeline table in any captured query; with `expect_index`,
    one of those indexes is used (where only one index can serve the path)."""
    wanted = {expect_index} if isinstance(expect_index, str) else set(expect_index)
    plans = _plans(captured)
    assert plans, "the path sent no query to the requests or timeline table"
    used = set()
    for sql, scans in plans:
        for node, table, index in scans:
            assert not (table in HOT_TABLES and node == "Seq Scan"), f"sequential scan of {table} in:\n{sql}"
            used.add(index)
    assert not wanted or wanted & used, f"none of {sorted(wanted)} used; indexes used: {sorted(used)}"


def _index_names() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = %s", [ServiceRequest._meta.db_table])
        return [row[0] for row in cursor.fetchall()]


def _tracking_page(world, client) -> CaptureQueriesContext:
    # One of the submitted requests: the copies' hex tracking numbers are not all valid ones.
    request = ServiceRequest.objects.filter(is_private=False, service_type=world.pothole).order_by("id").first()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("servicerequests:track", args=[request.public_id]))
    assert response.status_code == 200
    return captured


def _staff_queue(world, client) -> CaptureQueriesContext:
    with CaptureQueriesContext(connection) as captured:
        queryset = staff.queue(world.bob, "department").select_related(*staff.LIST_JOINS) \
            .prefetch_related(*staff.LIST_PREFETCH)
        page = staff.page_of(queryset, sort="newest", size=staff.PAGE_SIZE)
    assert len(page.rows) == staff.PAGE_SIZE
    return captured


def _nearby(world, client) -> CaptureQueriesContext:
    near = ServiceRequest.objects.filter(service_type=world.pothole, is_open=True).order_by("id")[40]
    with CaptureQueriesContext(connection) as captured:
        found = duplicate_candidates(service_type=world.pothole, lat=near.lat, long=near.long)
    assert near.pk in {request.pk for request, _ in found}
    return captured


def _open311_window(world, client) -> CaptureQueriesContext:
    end = timezone.now() - dt.timedelta(days=100)
    window = {"start_date": (end - dt.timedelta(days=1)).isoformat(), "end_date": end.isoformat()}
    with CaptureQueriesContext(connection) as captured:
        found = find_requests(world.elm, window)
    assert found, "the window holds requests"
    return captured


def _dashboard(world, client) -> CaptureQueriesContext:
    with CaptureQueriesContext(connection) as captured:
        open_ = ServiceRequest.objects.filter(jurisdiction=world.elm, is_open=True).order_by()
        counts = list(open_.values_list("status_id", "department_id").annotate(n=Count("id")))
        recent = ServiceRequest.objects.filter(jurisdiction=world.elm,
                                               closed_at__gte=timezone.now() - dt.timedelta(days=30)).count()
    assert sum(n for *_, n in counts) > 0 and recent > 0
    return captured


def _triage_count(world, client) -> CaptureQueriesContext:
    # Unrouted open requests of a private kind (records requests) for a seat that may not read them, as the
    # bench world holds thousands: the count must not visit each row to learn its kind.
    unrouted = ServiceRequest.objects.filter(is_open=True, jurisdiction=world.elm).order_by("id")[:300]
    ServiceRequest.objects.filter(pk__in=[r.pk for r in unrouted]).update(department=None,
                                                                         service_type=world.records)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {ServiceRequest._meta.db_table}")
    with CaptureQueriesContext(connection) as captured:
        count = staff.bounded_count(staff.queue(world.bob, "triage"))
    assert count == 0  # Bob handles no private kind
    return captured


def test_it_keeps_every_hot_read_path_off_sequential_scans(world, client):
    """One seeded table for all paths (seeding is most of the cost); every path is checked before failing."""
    _seed_rows(world)
    # The unique constraint's index, or the varchar_pattern_ops twin Django adds for LIKE: both are exact.
    by_public_id = tuple(index for index in _index_names() if "public_id" in index)
    paths = [
        ("tracking page and its public timeline", _tracking_page, by_public_id),
        # Any index that walks requested_at in order, whichever the statistics favour: at this size (a tenth of
        # the rows open, spread evenly in time) sr_dept_open, sr_juris_open and sr_requested with a filter
        # were costed within 3% of each other, and the choice changed with the indexes' sizes.
        ("staff queue first page", _staff_queue, ("sr_dept_open", "sr_juris_open", "sr_requested")),
        ("nearby open requests", _nearby, ("sr_open_type_band",)),
        ("Open311 one-day window", _open311_window, ()),
        # Open counts: any index on open requests (at this size PostgreSQL may prefer sr_open_expected's bitmap
        # to sr_open_juris_status; SQLite, without statistics, takes the latter).
        ("dashboard counts", _dashboard, ("sr_open_juris_status", "sr_open_expected", "sr_juris_open")),
        ("time to close of recently closed requests", _dashboard, ("sr_juris_closed",)),
        # Last: it re-routes some rows. The kind comes from the index (INCLUDE), not from each row.
        ("triage count", _triage_count, ("sr_triage",)),
    ]
    failures = []
    for name, run, indexes in paths:
        try:
            _assert_indexed(run(world, client), expect_index=indexes)
        except AssertionError as exc:
            failures.append(f"{name}: {exc}")
    assert not failures, "\n\n".join(failures)
