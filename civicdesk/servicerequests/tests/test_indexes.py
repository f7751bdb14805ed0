"""The requests table's and the timeline's indexes (models.ServiceRequest.Meta.indexes, migrations 0014, 0016): every key a look-up goes by
has an index, and none has two that serve the same look-ups."""

from __future__ import annotations

import pytest
from django.db import connection

from civicdesk.servicerequests.models import ServiceRequest
from civicdesk.testing.databases import pattern_ops_indexes

#: Keys served by the composite index they lead, with no index of their own.
LED_BY_A_COMPOSITE = ["jurisdiction_id", "service_type_id", "district_id", "department_id", "assignee_id"]


@pytest.mark.django_db
def test_it_serves_each_key_by_the_composite_index_it_leads_and_by_no_index_of_its_own():
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, ServiceRequest._meta.db_table)
    indexes = [info["columns"] for info in constraints.values() if info["index"] or info["unique"]]
    for column in LED_BY_A_COMPOSITE:
        assert [column] not in indexes, f"{column} has an index of its own"
        assert any(len(columns) > 1 and columns[0] == column for columns in indexes), f"nothing leads by {column}"
    for column in ("status_id", "reporter_id", "team_id", "routing_rule_id", "public_id"):  # kept: none leads
        assert [column] in indexes, f"{column} lost its index"
    if connection.vendor == "postgresql":
        # Django adds a varchar_pattern_ops copy to each unique text column on PostgreSQL; migration 0016 drops
        # the tracking number's (nothing searches it by prefix). SQLite never makes one.
        assert pattern_ops_indexes(ServiceRequest._meta.db_table) == []


@pytest.mark.django_db
def test_it_serves_the_timeline_by_request_from_its_composite_index_alone():
    from civicdesk.servicerequests.models import TimelineEntry

    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, TimelineEntry._meta.db_table)
    indexes = {name: info["columns"] for name, info in constraints.items() if info["index"] or info["unique"]}
    assert ["request_id"] not in indexes.values(), "the timeline's request has an index of its own again"
    assert indexes["tl_request_time"] == ["request_id", "created_at"]

