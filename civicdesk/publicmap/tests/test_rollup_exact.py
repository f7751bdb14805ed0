"""The map roll-up answers map_cells() exactly as the on-the-fly count does, through random changes, and its
rebuild stores what the incremental sync stored."""

from __future__ import annotations

import datetime as dt
import math
import random

import pytest
import time_machine
from django.db.models import Sum

from civicdesk.catalog.models import ServiceType, Status
from civicdesk.publicmap import rollup, services
from civicdesk.publicmap.models import MAPPED_FIELDS, MapCellCount, MappedRequest
from civicdesk.publicmap.services import BBox, MapFilters, map_cells
from civicdesk.servicerequests import services as request_services
from civicdesk.servicerequests.models import ServiceRequest
from civicdesk.transparency import rollups
from civicdesk.transparency.tests.test_rollups import random_change

from .helpers import make_request, sensitive_type

START = dt.datetime(2026, 3, 30, 14, 0, tzinfo=dt.UTC)


def random_point(rng: random.Random) -> tuple[float, float]:
    """Mostly anywhere in Elm; a third of the time exactly on a grid line of some level (a view's edge)."""
    lat, long = rng.uniform(2.0, 4.0), rng.uniform(2.0, 4.0)
    if rng.random() < 0.35:
        size = rollup.level_degrees(rng.randint(6, rollup.ROLLUP_MAX_LEVEL))
        if rng.random() < 0.5:
            lat = math.floor(lat / size) * size
        else:
            long = math.floor(long / size) * size
    return lat, long


def make_random(world, rng, kinds, when) -> ServiceRequest:
    status = rng.choice([world.statuses["submitted"], world.statuses["fixed"]])
    lat, long = random_point(rng)
    return make_request(world, service_type=rng.choice(kinds), status=status, lat=lat, long=long,
                        district=rng.choice([world.west, world.east, None]),
                        department=rng.choice([world.public_works, world.sanitation, None]),
                        is_private=rng.random() < 0.1, ago=dt.timedelta(hours=rng.randint(0, 24 * 100)),
                        updated_at=when)


def random_filters(world, rng) -> MapFilters:
    today = START.date()
    date_from = today - dt.timedelta(days=rng.randint(0, 110)) if rng.random() < 0.5 else None
    date_to = (date_from or today - dt.timedelta(days=120)) + dt.timedelta(days=rng.randint(0, 90)) \
        if rng.random() < 0.4 else None
    return MapFilters(
        service_codes=tuple(rng.sample(["pothole", "graffiti", "rodents", "records", "missed-collection"],
                                       rng.randint(1, 2))) if rng.random() < 0.3 else (),
        status=rng.choice(["", "", "open", "closed"]),
        district_id=rng.choice([None, None, world.west.pk, world.east.pk]),
        department_id=rng.choice([None, None, world.public_works.pk, world.sanitation.pk]),
        date_from=date_from, date_to=date_to)


def random_view(rng) -> tuple[BBox, int]:
    """A view whose edges lie on its grid (as the map page asks), somewhere over Elm, at zoom 0..14."""
    zoom = rng.randint(0, services.POINTS_MIN_ZOOM - 1)
    size = services.cell_degrees(zoom)
    if rng.random() < 0.15:  # wide: counted one level coarser (MAX_CELLS)
        size *= 2
        rows, cols = 30, 40
    else:
        rows, cols = rng.randint(1, 6), rng.randint(1, 8)
    south = math.floor(rng.uniform(1.5, 4.0) / size) * size
    west = math.floor(rng.uniform(1.5, 4.0) / size) * size
    return BBox(max(-90.0, south), max(-180.0, west), min(90.0, south + rows * size),
                min(180.0, west + cols * size)), zoom


def shown(view) -> list[tuple]:
    return sorted((tuple(round(b, 9) for b in cell.bounds), cell.count, cell.lat, cell.long) for cell in view.cells)


def assert_same_view(fast, slow, context) -> None:
    """The same cells with the same counts, drawn at the same places up to float rounding."""
    assert [c[:2] for c in shown(fast)] == [c[:2] for c in shown(slow)], context
    for (_, _, lat, long), (_, _, lat2, long2) in zip(shown(fast), shown(slow)):
        assert lat == pytest.approx(lat2, abs=1e-9) and long == pytest.approx(long2, abs=1e-9), (
            context, shown(fast), shown(slow))
    assert fast.total == slow.total


def assert_states_fresh() -> None:
    """Every request's MappedRequest row is what its current row gives (and private ones have none)."""
    sensitive = set(ServiceType.objects.filter(is_sensitive=True).values_list("pk", flat=True))
    fresh = {}
    for row in ServiceRequest.objects.values_list(*rollup.REQUEST_FIELDS):
        state = rollup.mapped_state(row, sensitive, rollups.local_tz())
        if state is not None:
            fresh[row[0]] = state
    kept = {row[0]: tuple(row[1:]) for row in MappedRequest.objects.values_list("request_id", *MAPPED_FIELDS)}
    assert kept == fresh


def assert_same_answers(world, rng, spy, views: int = 60) -> None:
    assert_states_fresh()
    for _ in range(views):
        bbox, zoom = random_view(rng)
        filters = random_filters(world, rng)
        before = spy["calls"]
        fast = map_cells(bbox, zoom, filters)
        slow = map_cells(bbox, zoom, filters, use_rollup=False)
        assert spy["calls"] == before + (0 if services._types(filters).nothing else 1), (bbox, zoom)
        assert_same_view(fast, slow, (bbox, zoom, filters))


@pytest.fixture
def spy(monkeypatch):
    calls = {"calls": 0}
    real = rollup.cells_from_rollup

    def counting(*args, **kwargs):
        calls["calls"] += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(rollup, "cells_from_rollup", counting)
    return calls


def stored() -> dict:
    return {tuple(row[:-2]): (round(row[-2], 6), round(row[-1], 6)) for row in
            MapCellCount.objects.values_list("level", "grain", "period", "cy", "cx", "service_type_key", "is_open",
                                             "district_key", "department_key", "requests", "sum_lat", "sum_long")}


def test_it_answers_every_view_and_filter_as_the_on_the_fly_count_through_random_changes(world, spy):
    rng = random.Random(1213)
    rodents = sensitive_type(world)
    kinds = [world.pothole, world.graffiti, world.garbage, world.records, rodents]
    statuses = {"open": list(Status.objects.filter(kind="open")), "closed": list(Status.objects.filter(kind="closed"))}
    when = START
    with time_machine.travel(when, tick=False) as clock:
        for _ in range(70):
            make_random(world, rng, kinds, when)
        assert rollups.sync_rollups().rebuilt
        assert MappedRequest.objects.count() == ServiceRequest.objects.public().count()
        assert_same_answers(world, rng, spy)
        done = []
        for step in range(60):
            when += dt.timedelta(minutes=rng.choice([2, 20, 70]))
            clock.move_to(when)
            done.append(random_change(world, rng, statuses))
            if step % 4 == 0:
                make_random(world, rng, kinds, when)
            if step % 6 == 2:
                request = rng.choice(list(ServiceRequest.objects.exclude(service_type=world.records)))
                request_services.move_pin(request, lat=random_point(rng)[0], long=random_point(rng)[1],
                                          user=world.bob)
            if step in (15, 45):
                world.graffiti.is_sensitive = not world.graffiti.is_sensitive
                world.graffiti.save()
                assert not rollup.is_current()  # until the next sync the map counts on the fly
                done.append("type_sensitive")
            if step % 10 == 9:
                rollups.sync_rollups()
                assert_same_answers(world, rng, spy, views=25)
        rollups.sync_rollups()
        assert {"merge", "delete", "private", "type_private", "type_sensitive", "close", "move"} <= set(done)
        assert_same_answers(world, rng, spy)
        incremental = stored()
        rollups.rebuild_rollups()
    assert stored() == incremental
    assert MappedRequest.objects.count() == ServiceRequest.objects.public().filter(
        service_type__is_private=False).count()


def test_it_counts_a_request_on_the_north_and_east_edges_as_the_inclusive_box_does(world, spy):
    size = services.cell_degrees(10)
    north = math.floor(3.0 / size) * size
    east = math.floor(3.5 / size) * size
    make_request(world, lat=north, long=east - size / 3)
    make_request(world, lat=north - size / 2, long=east)
    make_request(world, lat=north - size / 2, long=east - size / 2)
    rollups.sync_rollups()
    bbox = BBox(north - 4 * size, east - 4 * size, north, east)
    fast, slow = map_cells(bbox, 10, MapFilters()), map_cells(bbox, 10, MapFilters(), use_rollup=False)
    assert spy["calls"] == 1
    assert fast.total == slow.total == 3
    assert shown(fast) == shown(slow)


def test_it_counts_on_the_fly_when_the_view_is_not_on_the_grid_or_zoomed_in(world, spy):
    make_request(world)
    rollups.sync_rollups()
    map_cells(BBox(2.91, 2.92, 3.13, 3.14), 10, MapFilters())
    map_cells(BBox(2.0, 2.0, 4.0, 4.0), services.POINTS_MIN_ZOOM, MapFilters())
    assert spy["calls"] == 0
    assert map_cells(BBox(0.0, 0.0, 90.0, 90.0), 0, MapFilters()).total == 1
    assert spy["calls"] == 1


@pytest.mark.parametrize("first, last", [
    (None, None), (dt.date(2026, 3, 1), dt.date(2026, 4, 30)), (dt.date(2026, 3, 5), dt.date(2026, 3, 9)),
    (dt.date(2026, 2, 20), dt.date(2026, 5, 3)), (dt.date(2026, 12, 2), dt.date(2027, 1, 31)),
    (None, dt.date(2026, 6, 14)), (dt.date(2026, 6, 14), None), (dt.date(2026, 1, 31), dt.date(2026, 2, 1)),
])
def test_it_counts_every_day_of_a_date_range_exactly_once(db, first, last):
    """One request a day from 2026-01-01 to 2027-02-28, stored as day, month and all-time rows: the rows a
    range selects add up to the days in it."""
    span = [dt.date(2026, 1, 1) + dt.timedelta(days=n) for n in range(424)]
    rows = []
    for grain, period, count in ([(rollup.Grain.DAY, day, 1) for day in span]
                                 + [(rollup.Grain.MONTH, day, sum(1 for d in span if d.replace(day=1) == day))
                                    for day in span if day.day == 1]
                                 + [(rollup.Grain.ALL, rollup.ALL_TIME, len(span))]):
        rows.append(MapCellCount(level=3, grain=grain, period=period, cy=0, cx=0, service_type_key=1, is_open=True,
                                 requests=count))
    MapCellCount.objects.bulk_create(rows)
    expected = sum(1 for day in span if (first is None or day >= first) and (last is None or day <= last))
    got = MapCellCount.objects.filter(rollup.period_filter(first, last)).aggregate(n=Sum("requests"))["n"]
    assert got == expected
    assert rollup.period_filter(dt.date(2026, 3, 2), dt.date(2026, 3, 1)) is None


def test_it_is_repaired_by_the_rebuild_rollups_command(world):
    import io

    from django.core.management import call_command

    make_request(world)
    make_request(world, service_type=world.records)  # a private type: never counted
    rollups.sync_rollups()
    MapCellCount.objects.update(requests=99)
    MappedRequest.objects.all().delete()
    call_command("rebuild_rollups", stdout=io.StringIO())
    everything = MapCellCount.objects.get(level=0, grain=rollup.Grain.ALL)
    assert everything.requests == 1 and MappedRequest.objects.count() == 1
    assert rollup.is_current()
