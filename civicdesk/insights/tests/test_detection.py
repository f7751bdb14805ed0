"""Hotspot detection scored against known clusters injected into a realistic year of Riverbend requests."""

from __future__ import annotations

import datetime as dt

import pytest

from civicdesk.cities.riverbend import Riverbend
from civicdesk.datasets.generator import generate_requests
from civicdesk.insights.detection import Thresholds, cluster_found, detect, expected_count
from civicdesk.servicerequests.models import ServiceRequest

# Late August: the generator's seasons barely change between June and August, so a rise is a cluster's doing.
NOW = dt.datetime(2026, 8, 20, 15, 0, tzinfo=dt.timezone.utc)


@pytest.fixture
def seeded(db):
    Riverbend().seed_demo(requests=0)
    return generate_requests(4000, seed=7, now=NOW, clusters=6, batch=4000)


def score(found, clusters):
    cells = [f for f in found.findings if f.kind == "cell"]
    hit = [c for c in clusters if any(
        f.service_type_id == c["type_id"] and cluster_found(c, f.bounds) for f in cells)]
    strays = [f for f in cells if not any(
        f.service_type_id == c["type_id"] and cluster_found(c, f.bounds) for c in clusters)]
    return hit, strays


def _with_type_ids(clusters):
    from civicdesk.catalog.models import ServiceType

    ids = dict(ServiceType.objects.values_list("code", "pk"))
    return [{**c, "type_id": ids[c["service_code"]]} for c in clusters]


def test_it_finds_every_injected_cluster_and_flags_no_other_cell(seeded):
    assert ServiceRequest.objects.count() > 4000
    clusters = _with_type_ids(seeded.clusters)
    assert len(clusters) == 6
    found = detect(NOW)
    hit, strays = score(found, clusters)
    assert len(hit) == len(clusters), f"missed {[c for c in clusters if c not in hit]}"
    assert strays == []


def test_it_flags_nothing_without_clusters(db):
    Riverbend().seed_demo(requests=0)
    generate_requests(4000, seed=7, now=NOW, batch=4000)
    found = detect(NOW)
    assert [f for f in found.findings if f.kind in ("cell", "district", "city")] == []


def test_it_counts_a_cluster_by_the_grid_cell_and_window(seeded):
    clusters = _with_type_ids(seeded.clusters)
    found = detect(NOW)
    cell = next(f for f in found.findings if f.kind == "cell")
    south, west, north, east = cell.bounds
    in_window = ServiceRequest.objects.filter(
        service_type_id=cell.service_type_id, jurisdiction_id=cell.jurisdiction_id, lat__gte=south, lat__lt=north,
        long__gte=west, long__lt=east, requested_at__gte=found.window_start, requested_at__lt=NOW)
    in_window = in_window.filter(department_id=cell.department_id) if cell.department_id else in_window.filter(
        department__isnull=True)
    before = ServiceRequest.objects.filter(
        service_type_id=cell.service_type_id, jurisdiction_id=cell.jurisdiction_id, lat__gte=south, lat__lt=north,
        long__gte=west, long__lt=east, requested_at__gte=found.baseline_start, requested_at__lt=found.window_start)
    before = before.filter(department_id=cell.department_id) if cell.department_id else before.filter(
        department__isnull=True)
    assert cell.observed == in_window.count()
    assert cell.baseline == before.count()
    assert cell.expected == pytest.approx(expected_count(cell.baseline, Thresholds()))
    assert cell.q_value <= 0.01 and cell.observed >= 5
    assert cell.label  # the cell's most reported address
    assert any(cluster_found(c, cell.bounds) for c in clusters)


def test_it_never_flags_fewer_than_the_minimum_count(seeded):
    found = detect(NOW, Thresholds(min_count=50))
    assert [f for f in found.findings if f.kind == "cell"] == []


def test_it_lists_repeat_locations_with_their_counts(seeded):
    found = detect(NOW)
    repeats = [f for f in found.findings if f.kind == "repeat"]
    assert repeats
    for finding in repeats[:5]:
        assert finding.observed >= 3
        if finding.key.startswith("a:"):
            counted = ServiceRequest.objects.filter(
                service_type_id=finding.service_type_id, address__iexact=finding.label,
                jurisdiction_id=finding.jurisdiction_id, requested_at__gte=found.repeat_start, requested_at__lt=NOW)
            counted = counted.filter(department_id=finding.department_id) if finding.department_id else \
                counted.filter(department__isnull=True)
            assert counted.count() == finding.observed
