"""`manage.py generate_requests`: realistic requests with consistent relations and timelines, reproducibly."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import re
from collections import Counter

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from civicdesk.audit.models import AuditEntry
from civicdesk.catalog.services import route
from civicdesk.datasets import generator
from civicdesk.datasets.bulk import BulkWriter
from civicdesk.datasets.tests.keys import dangling_keys
from civicdesk.jurisdictions.services import locate
from civicdesk.lib.ids import PUBLIC_ID_RE
from civicdesk.servicerequests.models import ServiceRequest, TimelineEntry
from civicdesk.servicerequests.services import submit_request

NOW = dt.datetime(2026, 6, 15, 15, 0, tzinfo=dt.timezone.utc)


def generate(*args):
    out = io.StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("generate_requests", *[str(a) for a in args], stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_it_writes_n_requests_whose_place_routing_and_timeline_agree(world):
    out = generate(150, "--seed", "3", "--batch", "60")
    assert "Generated 150 requests" in out
    requests = list(ServiceRequest.objects.select_related("service_type", "status", "jurisdiction")
                    .prefetch_related("timeline"))
    assert len(requests) == 150
    assert len({r.public_id for r in requests}) == 150
    assert all(PUBLIC_ID_RE.match(r.public_id) for r in requests)
    for request in requests:
        where = locate(request.lat, request.long)
        assert where.jurisdiction == request.jurisdiction
        assert (where.district.pk if where.district else None) == request.district_id
        decision = route(jurisdiction=request.jurisdiction, service_type=request.service_type, lat=request.lat,
                         long=request.long, district_id=request.district_id)
        assert (request.department_id, request.team_id) == (decision.department_id, decision.team_id)
        assert request.routing_note == decision.note
        assert request.is_open == request.status.is_open
        assert request.is_private == request.service_type.is_private
        assert request.requested_at <= NOW
        timeline = sorted(request.timeline.all(), key=lambda e: (e.created_at, e.id))
        assert [e.kind for e in timeline[:2]] == [TimelineEntry.Kind.SUBMITTED, TimelineEntry.Kind.ROUTED]
        assert timeline[0].created_at == request.requested_at
        changes = [e for e in timeline if e.status_to_id]
        assert changes[-1].status_to_id == request.status_id
        assert all(a.status_to_id == b.status_from_id for a, b in itertools.pairwise(changes))
        assert request.updated_at == changes[-1].created_at
        if request.is_open:
            assert request.closed_at is None
        else:
            assert request.closed_at == changes[-1].created_at >= request.requested_at
        if request.status.code == "duplicate":
            original = ServiceRequest.objects.get(pk=request.duplicate_of_id)
            assert original.service_type_id == request.service_type_id
        if request.service_type.sla_hours:
            calendar = request.jurisdiction.calendar()
            assert request.expected_at == calendar.add_business_hours(request.requested_at,
                                                                      request.service_type.sla_hours)
        if request.service_type.requires_email:
            assert request.contact_email
    assert AuditEntry.objects.filter(action="datasets.requests_generated").exists()


def test_it_writes_the_same_requests_for_the_same_seed(world):
    def snapshot():
        return list(ServiceRequest.objects.order_by("requested_at", "public_id").values_list(
            "public_id", "service_type_id", "status_id", "lat", "long", "requested_at", "closed_at"))

    generate(120, "--seed", "11")
    first = snapshot()
    ServiceRequest.objects.all().delete()
    generate(120, "--seed", "11")
    assert snapshot() == first
    ServiceRequest.objects.all().delete()
    generate(120, "--seed", "12")
    assert snapshot() != first


def test_it_draws_new_tracking_numbers_when_a_seed_is_run_again_on_the_same_database(world):
    from civicdesk.datasets.generator import _PublicIds

    generate(120, "--seed", "11")
    generate(120, "--seed", "11")  # every tracking number of its first draw is taken: drawn again at once
    stored = set(ServiceRequest.objects.values_list("public_id", flat=True))
    assert len(stored) == 240
    # The same numbers next() would have drawn one at a time: the seed's first 240.
    ids = _PublicIds(11)
    assert stored == {ids.next() for _ in range(240)}


def test_it_mixes_categories_and_closes_older_requests_more_often(world):
    generate(1500, "--seed", "5", "--since", "200")
    requests = ServiceRequest.objects.all()
    by_type = Counter(requests.values_list("service_type__code", flat=True))
    assert len(by_type) == 4 and min(by_type.values()) >= 20
    assert by_type["pothole"] > by_type["records"]
    old = requests.filter(requested_at__lt=NOW - dt.timedelta(days=60))
    recent = requests.filter(requested_at__gte=NOW - dt.timedelta(days=1))
    assert old.filter(is_open=False).count() > 0.85 * old.count()
    assert recent.filter(is_open=True).count() > 0.4 * recent.count()
    assert requests.earliest("requested_at").requested_at >= NOW - dt.timedelta(days=200, hours=1)
    weekdays = Counter(r.weekday() for r in requests.values_list("requested_at", flat=True))
    assert weekdays[0] > weekdays[6]  # Mondays are busier than Sundays
    assert requests.filter(is_open=False).exclude(status__code="fixed").exists()
    assert {"web", "phone", "api"} <= set(requests.values_list("channel", flat=True))


def test_it_keeps_to_one_jurisdiction_when_asked(world):
    generate(80, "--jurisdiction", "maple", "--seed", "1")
    assert set(ServiceRequest.objects.values_list("jurisdiction__slug", flat=True)) == {"maple"}


def test_it_names_the_known_jurisdictions_for_an_unknown_one(world):
    with pytest.raises(CommandError, match=r"no jurisdiction with the short name “nowhere” \(known: elm, maple\)"):
        generate(10, "--jurisdiction", "nowhere")


def test_it_leaves_ids_and_sequences_ready_for_the_next_submission(world):
    generate(50, "--seed", "2")
    request = submit_request(service_type=world.graffiti, lat=3.0, long=2.5, description="Fresh tags")
    assert request.pk > ServiceRequest.objects.exclude(pk=request.pk).order_by("-pk").first().pk
    entry = TimelineEntry.objects.filter(request=request).first()
    assert entry.pk > TimelineEntry.objects.exclude(request=request).order_by("-pk").first().pk


def test_it_builds_the_indexes_again_after_a_load_without_them(world):
    def index_names():
        with connection.cursor() as cursor:
            tables = [ServiceRequest._meta.db_table, TimelineEntry._meta.db_table]
            return {index for table in tables
                    for index in connection.introspection.get_constraints(cursor, table)}

    before = index_names()
    generate(40, "--rebuild-indexes")
    assert index_names() == before
    assert ServiceRequest.objects.count() == 40


def test_it_leaves_every_key_valid_when_an_exclusive_load_skips_the_foreign_key_checks(world):
    generate(80, "--seed", "5", "--rebuild-indexes")
    assert ServiceRequest.objects.count() == 80
    assert TimelineEntry.objects.filter(request__isnull=False).count() == TimelineEntry.objects.count()
    assert dangling_keys() == {}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="foreign-key triggers are PostgreSQL's")
def test_it_turns_the_foreign_key_triggers_off_for_an_exclusive_batch_only(world):
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        superuser = cursor.fetchone()[0]
    assert BulkWriter().skip_fk_checks is False
    writer = BulkWriter(skip_fk_checks=True)
    assert writer.skip_fk_checks is superuser
    with transaction.atomic():
        writer.begin_batch()
        with connection.cursor() as cursor:
            cursor.execute("SHOW session_replication_role")
            assert cursor.fetchone()[0] == ("replica" if superuser else "origin")
            cursor.execute("SHOW synchronous_commit")
            assert cursor.fetchone()[0] == "off"


def test_it_writes_a_published_shape_that_import_311_loads_back(world, tmp_path):
    path = tmp_path / "nyc.csv"
    out = generate(60, "--seed", "4", "--output", path, "--format", "nyc")
    assert "Wrote 60 requests" in out and not ServiceRequest.objects.exists()
    header = path.read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("Unique Key,Created Date,Closed Date,Agency,Agency Name,Complaint Type,Descriptor,")
    assert re.search(r"\n60000001,\d\d/\d\d/20\d\d \d\d:\d\d:\d\d [AP]M,", path.read_text(encoding="utf-8"))
    imported = io.StringIO()
    call_command("import_311", str(path), "--format", "nyc", stdout=imported)
    assert "Rows read: 60; loaded: 60; skipped as already imported: 0; rejected: 0." in imported.getvalue()


@pytest.mark.parametrize("fmt", ["chicago", "open311"])
def test_it_writes_the_other_shapes_too(world, tmp_path, fmt):
    path = tmp_path / f"out.{fmt}"
    generate(30, "--seed", "4", "--output", path, "--format", fmt)
    imported = io.StringIO()
    call_command("import_311", str(path), "--format", fmt, stdout=imported)
    assert "loaded: 30; skipped as already imported: 0; rejected: 0." in imported.getvalue()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("options", [["--batch", "70"], ["--batch", "70", "--rebuild-indexes"]])
def test_it_keeps_every_invariant_when_batches_are_stored_while_the_next_is_drawn(world, options, monkeypatch):
    # Outside a transaction, PostgreSQL stores each batch from a thread of its own (BackgroundBatches);
    # SQLite stores them one after the other: the requests must be the same kind either way. The exclusive load
    # runs without its check that nobody else has the database open: earlier tests' live servers keep idle
    # connections to it (the check itself is tested in test_bulk.py, with a client holding the database).
    monkeypatch.setattr(generator, "ensure_exclusive", lambda: None)
    out = generate(300, "--seed", "8", *options)
    assert "Generated 300 requests" in out
    requests = ServiceRequest.objects.all()
    assert requests.count() == 300
    assert len(set(requests.values_list("public_id", flat=True))) == 300
    assert all(PUBLIC_ID_RE.match(p) for p in requests.values_list("public_id", flat=True))
    assert not requests.filter(requested_at__gt=NOW).exists()
    assert not requests.filter(requested_at__lt=NOW - dt.timedelta(days=365, hours=1)).exists()
    assert all(r.is_open == r.status.is_open for r in requests.select_related("status"))
    assert requests.filter(is_open=False, closed_at__isnull=True).count() == 0
    assert set(TimelineEntry.objects.values_list("request_id", flat=True)) == set(requests.values_list("pk",
                                                                                                        flat=True))
    assert dangling_keys() == {}
    with connection.cursor() as cursor:
        assert connection.introspection.get_constraints(cursor, ServiceRequest._meta.db_table)  # indexes back
