"""Duplicate candidates: open public requests of the same type close by, nearest first."""

from __future__ import annotations

import datetime as dt
import json
import math
import random

import pytest

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from civicdesk.lib.geo import distance_m
from civicdesk.servicerequests import services
from civicdesk.triage.services import duplicate_candidates, nearest_open


def report(world, lat, long, service_type=None, **extra):
    service_type = service_type or world.pothole
    attributes = {"depth": "deep"} if service_type == world.pothole else {}
    return services.submit_request(service_type=service_type, lat=lat, long=long, attributes=attributes, **extra)


def test_it_offers_open_requests_of_the_same_type_within_the_radius_nearest_first(world):
    far = report(world, 3.0003, 3.5)    # about 33 m
    near = report(world, 3.0001, 3.5)   # about 11 m
    report(world, 3.001, 3.5)           # about 111 m: outside 50 m
    found = duplicate_candidates(service_type=world.pothole, lat=3.0, long=3.5)
    assert [r for r, _ in found] == [near, far]
    assert 10 < found[0][1] < 12


def test_it_skips_other_types_closed_private_and_merged_requests(world):
    closed = report(world, 3.0001, 3.5)
    services.transition(closed, world.statuses["fixed"])
    private = report(world, 3.0001, 3.5)
    private.is_private = True
    private.save()
    original = report(world, 3.0002, 3.5)
    merged = report(world, 3.0001, 3.5)
    merged.duplicate_of = original
    merged.save()
    report(world, 3.0001, 3.5, service_type=world.garbage, contact_email="a@example.org")
    assert [r for r, _ in duplicate_candidates(service_type=world.pothole, lat=3.0, long=3.5)] == [original]


def test_it_uses_the_radius_of_the_service_type(world):
    world.pothole.duplicate_radius_m = 200
    world.pothole.save()
    wide = report(world, 3.001, 3.5)
    assert [r for r, _ in duplicate_candidates(service_type=world.pothole, lat=3.0, long=3.5)] == [wide]


def test_it_offers_nothing_when_the_type_turns_the_check_off(world):
    report(world, 3.0, 3.5, service_type=world.graffiti)
    assert duplicate_candidates(service_type=world.graffiti, lat=3.0, long=3.5) == []


def test_it_notes_possible_duplicates_for_staff_on_submission(world):
    first = report(world, 3.0001, 3.5)
    second = report(world, 3.0, 3.5)
    routed = second.timeline.get(kind="routed")
    assert routed.data["possible_duplicates"] == [first.public_id]


def test_it_finds_the_nearest_at_a_busy_spot_however_old_loading_only_a_few_rows(world):
    world.pothole.duplicate_radius_m = 200
    world.pothole.save()
    nearest = report(world, 3.00002, 3.5)   # about 2 m, and the oldest
    nearest.requested_at = timezone.now() - dt.timedelta(days=30)
    nearest.save(update_fields=["requested_at"])
    others = [report(world, 3.0003 + i * 0.00001, 3.5) for i in range(12)]  # 33-46 m, all newer
    with CaptureQueriesContext(connection) as captured:
        found = duplicate_candidates(service_type=world.pothole, lat=3.0, long=3.5, limit=3)
    assert [r for r, _ in found] == [nearest, others[0], others[1]]
    assert found[0][0].status.code and found[0][0].service_type.code == "pothole"  # loaded with the requests
    # The nearest limit + 2 ids and points, then only the three requests within the radius.
    assert len(captured) == 2
    assert "LIMIT 5" in captured[0]["sql"]
    with CaptureQueriesContext(connection) as captured:
        numbers = nearest_open(service_type=world.pothole, lat=3.0, long=3.5, limit=3)
    assert [public_id for _, public_id, _ in numbers] == [r.public_id for r, _ in found]
    assert [round(d) for _, _, d in numbers] == [round(d) for _, d in found]
    assert len(captured) == 1  # what a submission asks: the tracking numbers, one statement


def test_it_reads_one_statement_and_loads_nothing_where_nothing_lies_within_the_radius(world):
    # Inside the look-up's box (its corner) but beyond the 50 m radius: found by the box, dropped by distance.
    corner = report(world, 3.0 + 45 / 111_320, 3.5 + 45 / 111_320)
    assert corner.pk
    with CaptureQueriesContext(connection) as captured:
        assert duplicate_candidates(service_type=world.pothole, lat=3.0, long=3.5) == []
    assert len(captured) == 1


def test_it_leaves_out_the_request_being_checked(world):
    first = report(world, 3.0001, 3.5)
    second = report(world, 3.0002, 3.5)
    found = duplicate_candidates(service_type=world.pothole, lat=3.0001, long=3.5, exclude_id=first.pk)
    assert [r for r, _ in found] == [second]


def _crowd(world, *, around: tuple[float, float], spread_m: float, count: int, seed: int,
           submitted_at: tuple[float, float] | None = None) -> list:
    """`count` open pothole reports scattered up to `spread_m` metres each way from `around` (bulk-inserted
    copies of one submitted there, or at `submitted_at`, at random times over a month)."""
    from civicdesk.servicerequests.models import ServiceRequest

    rng = random.Random(seed)
    first = report(world, *(submitted_at or around))
    copies = []
    stored = {f.attname: getattr(first, f.attname) for f in ServiceRequest._meta.concrete_fields if not f.primary_key}
    for i in range(count):
        copy = ServiceRequest(**stored)
        copy.public_id = f"{seed:03d}-{i:05d}"
        copy.lat = around[0] + rng.uniform(-spread_m, spread_m) / 111_320
        copy.long = around[1] + rng.uniform(-spread_m, spread_m) / (111_320 * math.cos(math.radians(around[0])))
        copy.requested_at = timezone.now() - dt.timedelta(minutes=rng.randrange(43_200))
        copies.append(copy)
    return [first, *ServiceRequest.objects.bulk_create(copies)]


def _expected(rows, *, lat: float, long: float, radius: float, limit: int) -> list[str]:
    """What the look-up should answer, worked out in Python from every row: the nearest `limit` + 2 by the
    flat distance (then newest), of those the ones within the radius by great-circle distance."""
    coslat = math.cos(math.radians(lat))
    ranked = sorted(rows, key=lambda r: ((r.lat - lat) ** 2 + ((r.long - long) * coslat) ** 2,
                                         -r.requested_at.timestamp()))
    return [r.public_id for r in ranked[:limit + 2] if distance_m(lat, long, r.lat, r.long) <= radius][:limit]


@pytest.mark.parametrize("spread_m, count", [(0, 0), (60, 3), (60, 12), (30, 40), (45, 400), (12, 60)])
def test_it_answers_as_reading_every_row_would_from_a_quiet_place_to_a_crowded_one(world, spread_m, count):
    # Checked at 25 points around and beyond the crowd, each against the answer worked out from every row:
    # where the inner box settles it and where the whole box must be read, the nearest come back in order.
    rows = _crowd(world, around=(3.0, 3.5), spread_m=spread_m, count=count, seed=count) if count else []
    rng = random.Random(spread_m)
    radius = world.pothole.duplicate_radius_m
    for _ in range(25):
        lat = 3.0 + rng.uniform(-70, 70) / 111_320
        long = 3.5 + rng.uniform(-70, 70) / 111_320
        found = nearest_open(service_type=world.pothole, lat=lat, long=long, limit=5)
        assert [public_id for _, public_id, _ in found] == _expected(rows, lat=lat, long=long, radius=radius,
                                                                    limit=5)


def _rows_read(sql: str) -> int:
    """How much work the database did for a statement: on PostgreSQL the rows its scans of the requests
    table for the look-up's box returned (EXPLAIN ANALYZE), on SQLite the virtual-machine steps it ran (a
    progress handler).

    On PostgreSQL only the scans that test the request's type count. The join that fetches the few nearest rows'
    tracking numbers is left out: on a test's table of a few hundred rows the planner reads the whole table for it
    (a hash join, cheaper there than a few index probes, even with fresh statistics), which says nothing about the
    look-up and made the count depend on the table's size rather than on the box read."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
            plan = cursor.fetchone()[0]
        plan = json.loads(plan) if isinstance(plan, str) else plan

        def walk(node):
            conditions = node.get("Index Cond", "") + node.get("Filter", "")
            here = node.get("Actual Rows", 0) * node.get("Actual Loops", 0) \
                if node.get("Relation Name") == "servicerequests_servicerequest" \
                and "service_type_id" in conditions else 0
            return here + sum(walk(child) for child in node.get("Plans", []))
        return walk(plan[0]["Plan"])
    steps = [0]
    raw = connection.connection

    def count():
        steps[0] += 1
    raw.set_progress_handler(count, 1)
    try:
        raw.execute(sql).fetchall()
    finally:
        raw.set_progress_handler(None, 1)
    return steps[0]


# Places a look-up must answer alike in: each hemisphere both ways, across the equator and the prime meridian,
# and on the edges of the index's latitude bands (a thousandth of a degree: SQLite truncates a band towards zero,
# PostgreSQL rounds it, ties to even).
PLACES = [(-33.8765, 151.2093), (0.0, -0.0002), (-0.0005, 10.0), (0.0015, -0.0004), (40.0005, -88.9),
          (64.1355, -21.8954), (-54.8019, -68.303), (3.0, 3.5)]


@pytest.mark.parametrize("around", PLACES, ids=[f"{lat},{long}" for lat, long in PLACES])
def test_it_answers_as_reading_every_row_would_in_both_hemispheres_and_on_band_edges(world, around):
    rows = _crowd(world, around=around, spread_m=60, count=120, seed=11, submitted_at=(3.0, 3.5))
    rng = random.Random(str(around))
    radius = world.pothole.duplicate_radius_m
    for _ in range(25):
        lat = around[0] + rng.uniform(-70, 70) / 111_320
        long = around[1] + rng.uniform(-70, 70) / (111_320 * math.cos(math.radians(around[0])))
        found = nearest_open(service_type=world.pothole, lat=lat, long=long, limit=5)
        assert [public_id for _, public_id, _ in found] == _expected(rows, lat=lat, long=long, radius=radius,
                                                                    limit=5)


def test_it_walks_only_its_own_spot_of_a_latitude_crowded_across_the_city(world):
    # A storm day: crowds of open reports of one kind at spots along the same latitude, 1 km apart. The look-up
    # at one spot reads about what it reads when that spot is the only one, not every crowd on its latitude
    # (an index by latitude alone would walk all twelve).
    spots = [(3.0104, 3.5 + i * 0.009) for i in range(12)]
    rows = _crowd(world, around=spots[0], spread_m=40, count=150, seed=1, submitted_at=(3.0, 3.5))

    def read() -> int:
        with CaptureQueriesContext(connection) as captured:
            found = nearest_open(service_type=world.pothole, lat=spots[0][0], long=spots[0][1])
        assert [public_id for _, public_id, _ in found] == _expected(
            rows, lat=spots[0][0], long=spots[0][1], radius=world.pothole.duplicate_radius_m, limit=5)
        return _rows_read(captured[0]["sql"])

    alone = read()
    for n, spot in enumerate(spots[1:], start=2):
        rows += _crowd(world, around=spot, spread_m=40, count=150, seed=n, submitted_at=(3.0, 3.5))
    assert read() < alone * 1.3, alone


def test_it_reads_a_few_dozen_rows_at_a_crowded_spot_not_the_crowd(world, monkeypatch):
    # 400 open reports within 45 m: the inner box settles the answer, so the look-up reads well under half of
    # what reading the whole box takes (the inner box stretched to the whole radius), with the same answer. (Both
    # read only the index, sr_open_type_band, and then the few nearest rows: on SQLite about 8,300 and 22,300
    # steps of its virtual machine.)
    from civicdesk.triage import services as triage

    _crowd(world, around=(3.0, 3.5), spread_m=45, count=400, seed=7)

    def look_up():
        with CaptureQueriesContext(connection) as captured:
            found = nearest_open(service_type=world.pothole, lat=3.0, long=3.5)
        assert len(captured) == 1
        return found, _rows_read(captured[0]["sql"])

    found, read = look_up()
    monkeypatch.setattr(triage, "INNER_BOX_FRACTION", 1.0)
    found_whole, read_whole = look_up()
    assert len(found) == 5 and found == found_whole
    assert read * 2.4 < read_whole, (read, read_whole)
