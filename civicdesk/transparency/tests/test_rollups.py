"""The roll-ups stay equal to a full recomputation while requests change at random through every write path."""

from __future__ import annotations

import datetime as dt
import io
import random

import pytest
import time_machine
from django.core.management import call_command

from civicdesk.catalog.models import Status
from civicdesk.servicerequests import services
from civicdesk.servicerequests.models import ServiceRequest
from civicdesk.testing.world import IN_COUNTY_ONLY, IN_EAST_ELM, IN_WEST_ELM
from civicdesk.transparency import rollups
from civicdesk.transparency.models import CountedRequest, DailyCount, DailyTypeCount, RollupState

from .helpers import expected_counts, stored_counts

START = dt.datetime(2026, 3, 2, 14, 0, tzinfo=dt.timezone.utc)


def submit(world, rng, when):
    kind = rng.choice(["graffiti", "pothole", "garbage", "records"])
    where = rng.choice([IN_WEST_ELM, IN_EAST_ELM, IN_COUNTY_ONLY]) if kind == "graffiti" else rng.choice(
        [IN_WEST_ELM, IN_EAST_ELM])
    extra = {"attributes": {"depth": "deep"}} if kind == "pothole" else {}
    if kind in ("garbage", "records"):
        extra["contact_email"] = "someone@example.org"
    return services.submit_request(service_type=getattr(world, kind), lat=where[0], long=where[1],
                                   description="Random change", requested_at=when, **extra)


def random_change(world, rng, statuses) -> str:
    """One change through the real services; returns its name (for a failing test's message)."""
    requests = list(ServiceRequest.objects.order_by("pk"))
    request = rng.choice(requests) if requests else None
    action = rng.choice(["submit", "submit", "close", "close", "reopen", "status", "transfer", "merge", "private",
                         "category", "move", "delete", "type_private"])
    if request is None or action == "submit":
        submit(world, rng, None)
        return "submit"
    if action == "close" and request.is_open:
        services.transition(request, rng.choice(statuses["closed"]), user=world.bob, force=True)
    elif action == "reopen" and not request.is_open:
        services.transition(request, rng.choice(statuses["open"]), user=world.bob, force=True)
    elif action == "status":
        choices = [s for s in statuses["open"] + statuses["closed"] if s.pk != request.status_id]
        services.transition(request, rng.choice(choices), user=world.bob, force=True)
    elif action == "transfer":
        target = rng.choice([world.public_works, world.sanitation, world.roads])
        if target.pk != request.department_id:
            services.transfer(request, department=target, user=world.bob, reason="Theirs")
    elif action == "merge":
        others = [r for r in requests if r.pk != request.pk and r.duplicate_of_id is None]
        if request.is_open and others:
            services.merge(request, into=rng.choice(others), user=world.bob)
    elif action == "private":
        services.set_private(request, private=not request.is_private, user=world.bob)
    elif action == "category":
        kind = rng.choice([world.graffiti, world.pothole, world.garbage])
        if kind.pk != request.service_type_id and request.jurisdiction_id == world.elm.pk:
            services.change_category(request, service_type=kind, user=world.bob)
    elif action == "move":
        where = rng.choice([IN_WEST_ELM, IN_EAST_ELM, (3.1, 2.6)])
        if where != (request.lat, request.long) and request.service_type_id != world.records.pk:
            services.move_pin(request, lat=where[0], long=where[1], user=world.bob)
    elif action == "delete":
        request.delete()
    elif action == "type_private":
        world.graffiti.is_private = not world.graffiti.is_private
        world.graffiti.save()
    return action


def test_it_keeps_the_rollups_equal_to_a_full_recomputation_through_random_changes(world, tmp_path):
    rng = random.Random(12)
    statuses = {"open": list(Status.objects.filter(kind="open")), "closed": list(Status.objects.filter(kind="closed"))}
    when = START
    with time_machine.travel(when, tick=False) as clock:
        for _ in range(6):
            submit(world, rng, None)
        assert rollups.sync_rollups().rebuilt
        done = []
        for step in range(90):
            when += dt.timedelta(hours=rng.choice([1, 5, 11, 26, 50]))
            clock.move_to(when)
            done.append(random_change(world, rng, statuses))
            if step % 9 == 8:
                rollups.sync_rollups()
                assert stored_counts() == expected_counts(), done
            if step == 40:
                call_command("generate_requests", "120", "--seed", "5", "--since", "20", stdout=io.StringIO(),
                             stderr=io.StringIO())
                done.append("generate_requests")
            if step == 60:
                _import_nyc(tmp_path)
                done.append("import_311")
        rollups.sync_rollups()
    assert {"close", "reopen", "transfer", "merge", "private", "delete", "type_private"} <= set(done)
    assert ServiceRequest.objects.filter(timeline__status_from__kind="closed", timeline__status_to__kind="open"
                                         ).exists()
    incremental = stored_counts()
    assert incremental == expected_counts()
    assert sum(c["reopened"] for c in incremental.values()) > 0
    rollups.rebuild_rollups()
    assert stored_counts() == incremental
    assert CountedRequest.objects.count() == ServiceRequest.objects.count()


def _import_nyc(tmp_path):
    from civicdesk.datasets.tests.test_import_311 import NYC_HEADER, nyc_row, write

    path = write(tmp_path, "nyc.csv", NYC_HEADER,
                 nyc_row("2001", "01/15/2026 08:05:09 PM", "Pothole", closed="01/17/2026 10:00:00 AM", status="Closed"),
                 nyc_row("2002", "02/16/2026 11:59:00 AM", "Graffiti", status="In Progress"),
                 nyc_row("2003", "02/20/2026 09:00:00 AM", "Graffiti", closed="02/20/2026 09:30:00 AM",
                         status="Closed", lat="3.0", long="3.5"))
    call_command("import_311", str(path), "--format", "nyc", stdout=io.StringIO(), stderr=io.StringIO())


def test_it_looks_again_at_requests_committed_late_within_the_overlap(world):
    with time_machine.travel(START, tick=False) as clock:
        first = services.submit_request(service_type=world.graffiti, lat=IN_WEST_ELM[0], long=IN_WEST_ELM[1])
        rollups.sync_rollups()
        clock.move_to(START + dt.timedelta(minutes=5))
        rollups.sync_rollups()
        # A change stamped before the last sync started (its transaction committed after it ran).
        ServiceRequest.objects.filter(pk=first.pk).update(is_private=True, updated_at=START + dt.timedelta(minutes=4))
        clock.move_to(START + dt.timedelta(minutes=6))
        rollups.sync_rollups()
    assert stored_counts() == expected_counts() == {}


def test_it_counts_bulk_loaded_rows_whose_updated_at_is_historical(world):
    with time_machine.travel(START, tick=False):
        rollups.sync_rollups()
        call_command("generate_requests", "40", "--seed", "2", "--since", "400", stdout=io.StringIO(),
                     stderr=io.StringIO())
        result = rollups.sync_rollups()
    assert result.changed == 40
    assert stored_counts() == expected_counts()
    assert sum(c["received"] for c in stored_counts().values()) == ServiceRequest.objects.public().count()


def test_it_changes_nothing_when_run_twice(world):
    with time_machine.travel(START, tick=False):
        services.submit_request(service_type=world.graffiti, lat=IN_WEST_ELM[0], long=IN_WEST_ELM[1])
        rollups.sync_rollups()
        before = stored_counts()
        assert rollups.sync_rollups().changed == 0
    assert stored_counts() == before == expected_counts()
    assert RollupState.objects.get().synced_at is not None


def test_it_takes_a_deleted_request_out_in_the_deleting_transaction(world):
    with time_machine.travel(START, tick=False):
        request = services.submit_request(service_type=world.graffiti, lat=IN_WEST_ELM[0], long=IN_WEST_ELM[1])
        rollups.sync_rollups()
        assert DailyCount.objects.filter(received=1).exists()
        request.delete()
    assert not DailyCount.objects.exists() and not CountedRequest.objects.exists()
    assert not DailyTypeCount.objects.exists()


def test_it_moves_the_counts_of_a_deleted_departments_requests_to_no_department(world):
    with time_machine.travel(START, tick=False) as clock:
        request = services.submit_request(service_type=world.graffiti, lat=IN_WEST_ELM[0], long=IN_WEST_ELM[1])
        services.transfer(request, department=world.roads, user=world.bob, reason="County road")
        rollups.sync_rollups()
        clock.move_to(START + dt.timedelta(hours=1))
        world.roads.delete()
        rollups.sync_rollups()
    assert stored_counts() == expected_counts()
    assert DailyCount.objects.get().department_key == 0


@pytest.mark.parametrize("hours, bucket", [(-1, 0), (0.5, 0), (1, 1), (23.9, 5), (24, 6), (8760, 20), (9000, 20)])
def test_it_puts_times_to_close_in_the_documented_buckets(hours, bucket):
    assert rollups.close_bucket(hours) == bucket


def test_it_walks_many_changes_stamped_with_the_same_time_in_small_chunks(world, monkeypatch):
    monkeypatch.setattr(rollups, "CHUNK", 2)
    with time_machine.travel(START, tick=False) as clock:
        made = [services.submit_request(service_type=world.graffiti, lat=IN_WEST_ELM[0], long=IN_WEST_ELM[1])
                for _ in range(5)]
        rollups.sync_rollups()
        clock.move_to(START + dt.timedelta(hours=2))
        same = START + dt.timedelta(hours=1)
        ServiceRequest.objects.filter(pk__in=[r.pk for r in made]).update(is_private=True, updated_at=same)
        result = rollups.sync_rollups()
    assert result.changed == 5
    assert stored_counts() == expected_counts() == {}


def test_it_keeps_microseconds_at_the_bucket_and_sla_edges(world):
    request = services.submit_request(service_type=world.graffiti, lat=IN_WEST_ELM[0], long=IN_WEST_ELM[1])
    opened = dt.datetime(2026, 3, 2, 15, 0, 0, 123457, tzinfo=dt.timezone.utc)
    closed = opened + dt.timedelta(hours=24)
    ServiceRequest.objects.filter(pk=request.pk).update(
        requested_at=opened, closed_at=closed, expected_at=closed, is_open=False,
        status=world.statuses["fixed"])
    rollups.rebuild_rollups()
    counted = CountedRequest.objects.get(request_id=request.pk)
    assert counted.close_bucket == 6 and counted.sla == 1  # exactly one day: the "1 to 2 days" bucket; on time
    assert stored_counts() == expected_counts()
