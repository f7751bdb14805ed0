"""Storing detection runs: new, ongoing and resolved hotspots, safe to run twice."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from civicdesk.audit.models import AuditEntry
from civicdesk.insights.models import DetectionRun, Hotspot
from civicdesk.insights.services import run_detection

from .helpers import cluster, file_many

pytestmark = pytest.mark.django_db


def test_it_stores_a_new_hotspot_with_its_numbers(world):
    cluster(world)
    run = run_detection()
    cell = Hotspot.objects.get(kind="cell")
    assert cell.status == "new" and cell.first_seen == cell.last_seen
    assert (cell.jurisdiction, cell.department, cell.service_type) == (world.elm, world.public_works, world.pothole)
    assert cell.observed == 8 and cell.baseline == 2
    assert cell.expected == pytest.approx((2 + 1) * 14 / 84)
    assert cell.p_value < 1e-6 and cell.q_value <= 0.01
    assert cell.south <= 3.0026 < cell.north and cell.west <= 2.5026 < cell.east
    assert cell.label == "12 Oak Street" and cell.district == world.west
    assert cell.requests().count() == 8
    assert run.new >= 1 and run.flagged == Hotspot.objects.count() and run.finished_at is not None


def test_it_keeps_one_row_when_run_twice_and_marks_it_ongoing(world):
    cluster(world)
    run_detection()
    first = Hotspot.objects.get(kind="cell")
    second_run = run_detection(now=timezone.now() + dt.timedelta(hours=1))
    again = Hotspot.objects.get(kind="cell")
    assert again.pk == first.pk and again.status == "ongoing" and again.last_seen > first.last_seen
    assert again.first_seen == first.first_seen
    assert second_run.new == 0 and DetectionRun.objects.count() == 2


def test_it_resolves_a_hotspot_that_calmed_down_and_opens_a_new_row_when_it_returns(world):
    cluster(world)
    run_detection()
    later = timezone.now() + dt.timedelta(days=20)  # the cluster has left the 14-day window
    run_detection(now=later)
    resolved = Hotspot.objects.get(kind="cell")
    assert resolved.status == "resolved" and resolved.resolved_at == later
    cluster(world, now=later, count=9)
    run_detection(now=later + dt.timedelta(minutes=1))
    assert Hotspot.objects.filter(kind="cell").count() == 2
    assert Hotspot.objects.filter(kind="cell", status="new").get().pk != resolved.pk


def test_it_keeps_triage_requests_apart_from_a_department(world):
    file_many(world, world.pothole, 6, days_ago=1, department=None)
    run_detection()
    cell = Hotspot.objects.get(kind="cell")
    assert cell.department is None and cell.observed == 6


def test_it_lists_repeat_locations_without_a_test(world):
    file_many(world, world.graffiti, 3, days_ago=3, department=world.public_works, address="14 Oak Street")
    run_detection()
    repeat = Hotspot.objects.get(kind="repeat", service_type=world.graffiti)
    assert repeat.observed == 3 and repeat.label == "14 Oak Street" and repeat.p_value is None
    assert repeat.requests().count() == 3
    assert not AuditEntry.objects.filter(object_type="insights.hotspot").exists()  # detection is not a staff write
