"""The map's SQL stays on an index: the view box on the position index, the roll-up on its key, the list on
the index of its filter walked newest first (no sort of every matching row).

SQLite's plans are fixed by its rules, so they are checked as they are. PostgreSQL's depend on statistics, and on
a test database of a few rows a sequential scan is always cheapest; there the test turns sequential scans,
bitmap scans and sorts off to check that an index serves each query's shape and order (bench/map.py measures the real plans at size)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from civicdesk.publicmap import services
from civicdesk.publicmap.models import MapCellCount, MappedRequest
from civicdesk.publicmap.services import BBox, MapFilters
from civicdesk.servicerequests.models import ServiceRequest
from civicdesk.transparency import rollups

from .helpers import make_request

SQLITE = connection.vendor == "sqlite"


def plans(call, table: str = ServiceRequest._meta.db_table) -> list[str]:
    """The plan of every query `call` sends that reads `table`, one string each."""
    with CaptureQueriesContext(connection) as captured:
        call()
    found = []
    for query in captured.captured_queries:
        if table not in query["sql"]:
            continue
        with connection.cursor() as cursor:
            if SQLITE:
                cursor.execute("EXPLAIN QUERY PLAN " + query["sql"])
                found.append(" | ".join(row[3] for row in cursor.fetchall()))
            else:
                # Rule out what is only cheaper on a few rows (reading the table, bitmap scan then sort), so
                # the plan shows whether an index can give the rows in the page's order.
                for setting in ("enable_seqscan", "enable_bitmapscan", "enable_sort"):
                    cursor.execute(f"SET LOCAL {setting} = off")
                cursor.execute("EXPLAIN " + query["sql"])
                found.append(" | ".join(row[0] for row in cursor.fetchall()))
    return found


def uses(plan: str, index: str) -> bool:
    return f"USING INDEX {index}" in plan or f"USING COVERING INDEX {index}" in plan if SQLITE else index in plan


@pytest.mark.parametrize("filters", [MapFilters(), MapFilters(status="open"), MapFilters(date_to=None)])
def test_it_counts_a_view_through_the_position_index(world, filters):
    make_request(world)
    (plan,) = plans(lambda: services.map_cells(BBox(2.97, 2.97, 3.01, 3.03), 13, filters))
    assert uses(plan, "sr_position") or (not SQLITE and "servicerequest" in plan and "Seq Scan" not in plan), plan


def test_it_counts_a_department_through_its_index(world):
    make_request(world)
    (plan,) = plans(lambda: services.map_cells(BBox(2.97, 2.97, 3.01, 3.03), 13,
                                               MapFilters(department_id=world.public_works.pk)))
    assert "USING INDEX" in plan if SQLITE else "Seq Scan" not in plan, plan


@pytest.mark.parametrize("filters", [MapFilters(), MapFilters(district_id=1, date_from=dt.date(2026, 1, 1)),
                                     MapFilters(service_codes=("pothole",), status="open")])
def test_it_reads_a_tile_from_the_rollup_key_and_the_edge_index(world, filters):
    make_request(world)
    rollups.sync_rollups()
    size = services.cell_degrees(10)
    box = BBox(32 * size, 32 * size, 36 * size, 36 * size)
    (cells,) = plans(lambda: services.map_cells(box, 10, filters), MapCellCount._meta.db_table)
    assert uses(cells, "mapcell_key") or uses(cells, "sqlite_autoindex_publicmap_mapcellcount_1"), cells
    (edges,) = plans(lambda: services.map_cells(box, 10, filters), MappedRequest._meta.db_table)
    assert uses(edges, "mapped_on_line"), edges


@pytest.mark.parametrize("filters, index", [
    (MapFilters(), "sr_requested"),
    (MapFilters(status="closed"), "sr_requested"),
    (MapFilters(service_codes=("pothole", "graffiti")), "sr_requested"),
    (MapFilters(service_codes=("pothole",)), "sr_type_time"),
    (MapFilters(district_id=1, date_from=dt.date(2026, 1, 1)), "sr_district_time"),
    (MapFilters(district_id=1, status="open"), "sr_district_time"),
    (MapFilters(department_id=1), "sr_dept_time"),
    (MapFilters(department_id=1, date_from=dt.date(2026, 1, 1), date_to=dt.date(2026, 2, 1)), "sr_dept_time"),
])
def test_it_pages_the_list_along_the_index_of_its_filter(world, filters, index):
    make_request(world)
    (plan,) = plans(lambda: services.list_page(filters))
    if not SQLITE and index == "sr_requested":
        # Unfiltered, PostgreSQL may walk any index leading with requested_at; it never reads the table.
        assert "Seq Scan on servicerequests" not in plan, plan
        return
    assert uses(plan, index), plan
    if SQLITE:
        assert "TEMP B-TREE FOR ORDER BY" not in plan, plan
    else:
        assert "Sort Key" not in plan or "Presorted Key" in plan, plan


def test_it_pages_the_next_page_along_the_same_index(world):
    make_request(world)
    first = services.list_page(MapFilters(district_id=world.west.pk), size=1)
    make_request(world, ago=dt.timedelta(days=2))
    (plan,) = plans(lambda: services.list_page(MapFilters(district_id=world.west.pk), after=first.next_cursor or
                                               services.encode_cursor(dt.datetime.now(dt.UTC), 10**9)))
    assert uses(plan, "sr_district_time"), plan
