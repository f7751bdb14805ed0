"""The map's SQL stays on an index on SQLite: the view box on the position index, the list on the date index
walked newest first (no sort of every matching row). PostgreSQL's planner depends on statistics, which
bench/map.py exercises at size."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from civicdesk.publicmap import services
from civicdesk.publicmap.services import BBox, MapFilters
from civicdesk.servicerequests.models import ServiceRequest

from .helpers import make_request

pytestmark = pytest.mark.skipif("sqlite" not in settings.DATABASES["default"]["ENGINE"],
                                reason="SQLite's plans are fixed by its rules; PostgreSQL's by statistics")


def plans(call) -> list[str]:
    """EXPLAIN QUERY PLAN of every query `call` sends that reads the requests table, one string each."""
    with CaptureQueriesContext(connection) as captured:
        call()
    found = []
    for query in captured.captured_queries:
        if ServiceRequest._meta.db_table in query["sql"]:
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN QUERY PLAN " + query["sql"])
                found.append(" | ".join(row[3] for row in cursor.fetchall()))
    return found


@pytest.mark.parametrize("filters", [MapFilters(), MapFilters(status="open"), MapFilters(date_to=None)])
def test_it_counts_a_view_through_the_position_index(world, filters):
    make_request(world)
    (plan,) = plans(lambda: services.map_cells(BBox(2.97, 2.97, 3.01, 3.03), 13, filters))
    assert "USING INDEX sr_position" in plan, plan


def test_it_counts_a_department_through_its_index(world):
    make_request(world)
    (plan,) = plans(lambda: services.map_cells(BBox(2.97, 2.97, 3.01, 3.03), 13,
                                               MapFilters(department_id=world.public_works.pk)))
    assert "USING INDEX" in plan, plan


@pytest.mark.parametrize("filters", [MapFilters(), MapFilters(service_codes=("pothole",)),
                                     MapFilters(status="closed")])
def test_it_pages_the_list_along_the_date_index(world, filters):
    make_request(world)
    (plan,) = plans(lambda: services.list_page(filters))
    assert "SCAN servicerequests_servicerequest USING INDEX sr_requested" in plan, plan
    assert "TEMP B-TREE FOR ORDER BY" not in plan, plan
