"""The bulk write path (civicdesk/datasets/bulk.py): columnar COPY / executemany, and exclusive loads' safety."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import sys
import time

import numpy as np
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction

from civicdesk.catalog.models import ServiceType, Status
from civicdesk.datasets.bulk import (
    NO_TIME,
    BulkWriter,
    build_indexes_in_parallel,
    other_clients,
    secondary_indexes_dropped,
)
from civicdesk.datasets.models import DroppedIndex
from civicdesk.servicerequests.models import ServiceRequest, TimelineEntry


def index_names() -> set[str]:
    with connection.cursor() as cursor:
        return {name for model in (ServiceRequest, TimelineEntry)
                for name in connection.introspection.get_constraints(cursor, model._meta.db_table)}


def request_columns(world, pk: int, **changes) -> dict:
    """One request's columns for BulkWriter.write_columns(), with `changes` over plain values."""
    values = {
        "id": pk, "public_id": "ZZZZ-ZZZZ", "jurisdiction_id": world.elm.pk,
        "service_type_id": world.pothole.pk, "status_id": Status.initial().pk, "is_open": True,
        "priority": world.pothole.default_priority, "description": "", "attributes": "{}",
        "lat": 3.123456, "long": 2.5, "address": "", "address_id": "", "district_id": None, "channel": "web",
        "reporter_id": None, "contact_name": "", "contact_email": "", "contact_phone": "", "language": "en",
        "device_id": "", "client_name": "", "department_id": None, "team_id": None, "assignee_id": None,
        "routing_rule_id": None, "routing_note": "", "requested_at": 1_700_000_000, "updated_at": 1_700_000_000,
        "expected_at": NO_TIME, "closed_at": NO_TIME, "duplicate_of_id": None, "supporters_count": 0,
        "is_private": False, "media_url": "", **changes}
    return {name: np.array([value], dtype=np.int64 if name.endswith("_at") else object)
            for name, value in values.items()}


def test_it_writes_columns_with_quotes_commas_newlines_empty_texts_and_nulls_intact(world):
    writer = BulkWriter()
    awkward = 'He said "fix it", twice,\nthen left \\N and \\. behind'
    with transaction.atomic():
        writer.begin_batch()
        pk = writer.new_ids(ServiceRequest, 1)[0]
        writer.write_columns(ServiceRequest, request_columns(world, pk, description=awkward,
                                                             attributes='{"depth": "deep, wide"}'), 1)
    stored = ServiceRequest.objects.get(pk=pk)
    assert stored.description == awkward and stored.attributes == {"depth": "deep, wide"}
    assert stored.address == "" and stored.district_id is None and stored.expected_at is None
    assert stored.lat == 3.123456 and stored.requested_at.timestamp() == 1_700_000_000


@pytest.mark.parametrize("column, value, attribute, expected", [
    ("description", "Straße, 路, emoji 🚧 and a\ttab", "description", "Straße, 路, emoji 🚧 and a\ttab"),
    ("contact_name", "", "contact_name", ""),
    ("attributes", '{"size": "größer", "n": [1, 2]}', "attributes", {"size": "größer", "n": [1, 2]}),
    ("lat", -33.8688, "lat", -33.8688),
    ("supporters_count", 2_000_000_000, "supporters_count", 2_000_000_000),
    ("is_private", True, "is_private", True),
    ("is_open", False, "is_open", False),
    ("requested_at", -86_400 * 365, "requested_at", dt.datetime(1969, 1, 1, tzinfo=dt.timezone.utc)),
    ("closed_at", 4_102_444_800, "closed_at", dt.datetime(2100, 1, 1, tzinfo=dt.timezone.utc)),
    ("expected_at", NO_TIME, "expected_at", None),
    ("duplicate_of_id", None, "duplicate_of_id", None),
])
def test_it_stores_each_kind_of_value_as_given(world, column, value, attribute, expected):
    # On PostgreSQL the rows go in COPY's binary format (copy_binary): every column type it writes, and NULL.
    writer = BulkWriter()
    with transaction.atomic():
        writer.begin_batch()
        pk = writer.new_ids(ServiceRequest, 1)[0]
        writer.write_columns(ServiceRequest, request_columns(world, pk, **{column: value}), 1)
    assert getattr(ServiceRequest.objects.get(pk=pk), attribute) == expected


def test_it_refuses_a_batch_whose_rows_point_at_a_missing_service_type(transactional_db, world):
    # On PostgreSQL as a superuser the keys are checked once per column (BulkWriter.check_keys), else by the
    # database's own checks at commit: either way the batch is not stored.
    writer = BulkWriter()
    with pytest.raises(IntegrityError), transaction.atomic():
        writer.begin_batch()
        pk = writer.new_ids(ServiceRequest, 1)[0]
        writer.write_columns(ServiceRequest, request_columns(world, pk, service_type_id=987_654), 1)
    assert not ServiceRequest.objects.exists()


def test_it_accepts_keys_pointing_at_rows_written_earlier_in_the_same_batch(transactional_db, world):
    writer = BulkWriter()
    with transaction.atomic():
        writer.begin_batch()
        first, second = writer.new_ids(ServiceRequest, 2)
        writer.write_columns(ServiceRequest, request_columns(world, first, public_id="AAAA-AAAA"), 1)
        writer.write_columns(ServiceRequest, request_columns(world, second, duplicate_of_id=first), 1)
    assert ServiceRequest.objects.get(pk=second).duplicate_of_id == first


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the foreign-key triggers are PostgreSQL's")
def test_it_locks_the_rows_a_batch_points_at_as_the_foreign_key_triggers_would(transactional_db, world):
    writer = BulkWriter()
    if not writer.keys_checked_in_bulk:
        pytest.skip("not a superuser: the database's own triggers check the keys")
    with transaction.atomic():
        writer.begin_batch()
        pk = writer.new_ids(ServiceRequest, 1)[0]
        writer.write_columns(ServiceRequest, request_columns(world, pk), 1)
        with connection.cursor() as cursor:
            cursor.execute("SHOW session_replication_role")
            assert cursor.fetchone()[0] == "origin"  # only the COPY itself ran without the triggers
            # FOR KEY SHARE marks the row with this transaction's id (xmax) until it ends.
            cursor.execute(f"SELECT id FROM {ServiceType._meta.db_table} WHERE id = %s "
                           "AND xmax::text::bigint = txid_current() %% 4294967296", [world.pothole.pk])
            assert cursor.fetchone() == (world.pothole.pk,)
    assert ServiceRequest.objects.filter(pk=pk).exists()


def test_it_refuses_an_exclusive_load_while_another_client_has_the_database_open(world):
    if connection.vendor == "postgresql":
        settings = connection.settings_dict
        code = (f"import psycopg, sys; c = psycopg.connect(host={settings['HOST']!r}, port={str(settings['PORT'])!r}, "
                f"user={settings['USER']!r}, dbname={settings['NAME']!r}); print('ready', flush=True); "
                "sys.stdin.read()")
    else:
        code = (f"import sqlite3, sys; c = sqlite3.connect({str(connection.settings_dict['NAME'])!r}); "
                "c.execute('select 1'); "
                "print('ready', flush=True); sys.stdin.read()")
    holder = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        with pytest.raises(CommandError, match=r"in use by \d+ other client.*stop them first"):
            call_command("generate_requests", "20", "--rebuild-indexes", stdout=io.StringIO(), stderr=io.StringIO())
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
    for _ in range(100):  # PostgreSQL ends the holder's backend a moment after the client is gone
        if not other_clients():
            break
        time.sleep(0.1)
    assert not ServiceRequest.objects.exists() and not DroppedIndex.objects.exists()
    call_command("generate_requests", "20", "--rebuild-indexes", stdout=io.StringIO(), stderr=io.StringIO())
    assert ServiceRequest.objects.count() == 20


def test_it_builds_the_indexes_a_killed_exclusive_load_left_dropped_at_the_next_run(world):
    before = index_names()
    killed = secondary_indexes_dropped()
    killed.__enter__()  # the load starts and is killed: its clean-up never runs
    assert index_names() < before
    assert DroppedIndex.objects.count() == len(before - index_names())
    call_command("generate_requests", "0", stdout=io.StringIO(), stderr=io.StringIO())  # builds them, writes none
    assert index_names() == before and not DroppedIndex.objects.exists()
    assert not ServiceRequest.objects.exists()


def test_it_builds_the_dropped_indexes_again_after_a_committed_exclusive_load(transactional_db, world):
    # Outside a transaction PostgreSQL builds them from several connections at once (build_indexes_in_parallel).
    # The load runs inside the indexes' drop and rebuild as `--rebuild-indexes` runs it, without its check that
    # nobody else has the database open: earlier tests' live servers keep idle connections to it.
    before = index_names()
    with secondary_indexes_dropped():
        assert index_names() < before
        call_command("generate_requests", "300", stdout=io.StringIO(), stderr=io.StringIO())
    assert index_names() == before and not DroppedIndex.objects.exists()
    assert ServiceRequest.objects.count() == 300


def test_it_raises_an_index_builders_error_once_every_builder_has_stopped(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("only PostgreSQL builds indexes from several connections")
    from psycopg.errors import UndefinedTable

    with pytest.raises(Exception) as raised:
        build_indexes_in_parallel(["CREATE INDEX no_such ON no_such_table (id)",
                                   "CREATE INDEX no_such_either ON no_such_table (id)"], builders=2)
    assert isinstance(raised.value.__cause__ or raised.value, UndefinedTable)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the foreign-key triggers are PostgreSQL's")
def test_it_leaves_the_key_checks_to_the_triggers_when_a_table_has_a_trigger_of_its_own(world):
    if not BulkWriter().keys_checked_in_bulk:
        pytest.skip("not a superuser: the database's own triggers check the keys anyway")
    with connection.cursor() as cursor:
        # A COPY under session_replication_role = replica would skip this trigger too.
        cursor.execute("CREATE FUNCTION civicdesk_noop() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END'")
        cursor.execute(f"CREATE TRIGGER noop BEFORE INSERT ON {TimelineEntry._meta.db_table} "
                       "FOR EACH ROW EXECUTE FUNCTION civicdesk_noop()")
    assert BulkWriter().keys_checked_in_bulk is False
