"""publicmap.services.map_cells(): counts per grid cell, points zoomed in, filters, snapping, caps."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from civicdesk.lib.geo import snap_to_grid
from civicdesk.publicmap import services
from civicdesk.publicmap.services import BBox, MapFilters, map_cells

from .helpers import make_request, sensitive_type

ELM = BBox(south=2.0, west=2.0, north=4.0, east=4.0)


def test_it_counts_requests_per_cell_at_a_low_zoom(world):
    for _ in range(3):
        make_request(world, lat=3.0, long=2.5)
    make_request(world, lat=3.5, long=3.5, service_type=world.graffiti)
    view = map_cells(ELM, 8, MapFilters())
    assert view.points == []
    assert sorted(cell.count for cell in view.cells) == [1, 3]
    big = view.cells[0]
    assert big.count == 3 and big.lat == pytest.approx(3.0) and big.long == pytest.approx(2.5)
    south, west, north, east = big.bounds
    assert south <= 3.0 < north and west <= 2.5 < east
    assert north - south == pytest.approx(services.cell_degrees(8))
    assert view.total == 4


def test_it_draws_a_cell_at_the_mean_of_its_requests(world):
    make_request(world, lat=3.001, long=2.501)
    make_request(world, lat=3.003, long=2.503)
    (cell,) = map_cells(ELM, 6, MapFilters()).cells
    assert (cell.lat, cell.long) == (pytest.approx(3.002), pytest.approx(2.502))


def test_it_returns_the_requests_themselves_zoomed_in_where_a_cell_holds_few(world):
    few = [make_request(world, lat=3.0 + i * 1e-5, long=2.5) for i in range(3)]
    crowded_spot = (3.01, 2.51)
    for _ in range(services.POINTS_PER_CELL + 1):
        make_request(world, lat=crowded_spot[0], long=crowded_spot[1])
    box = BBox(2.99, 2.49, 3.02, 2.52)
    view = map_cells(box, services.POINTS_MIN_ZOOM, MapFilters())
    assert {point.public_id for point in view.points} == {sr.public_id for sr in few}
    assert [cell.count for cell in view.cells] == [services.POINTS_PER_CELL + 1]
    point = next(p for p in view.points if p.public_id == few[0].public_id)
    assert (point.lat, point.long) == (pytest.approx(3.0), pytest.approx(2.5))
    assert point.kind == "Pothole" and point.status == "Submitted" and point.is_open
    assert point.url == f"/requests/{few[0].public_id}/"
    below = map_cells(box, services.POINTS_MIN_ZOOM - 1, MapFilters())
    assert below.points == [] and sum(cell.count for cell in below.cells) == 14


def test_it_shows_a_sensitive_request_only_at_its_snapped_point_at_every_zoom(world):
    rodents = sensitive_type(world)
    sr = make_request(world, service_type=rodents, lat=3.00123, long=2.50987)
    snapped = snap_to_grid(3.00123, 2.50987)
    for zoom in range(0, 20):
        view = map_cells(BBox(2.9, 2.4, 3.1, 2.6), zoom, MapFilters())
        places = [(c.lat, c.long) for c in view.cells] + [(p.lat, p.long) for p in view.points]
        assert len(places) == 1, zoom
        assert places[0] == (pytest.approx(snapped[0], abs=1e-9), pytest.approx(snapped[1], abs=1e-9)), zoom
    assert map_cells(BBox(2.9, 2.4, 3.1, 2.6), 19, MapFilters()).points[0].public_id == sr.public_id


def test_it_places_a_sensitive_request_in_the_view_by_its_snapped_point(world):
    rodents = sensitive_type(world)
    make_request(world, service_type=rodents, lat=3.00123, long=2.50987)
    snapped_lat, snapped_long = snap_to_grid(3.00123, 2.50987)
    # A box around the exact point that leaves out the snapped one finds nothing (no probing the exact place) ...
    tight = BBox(3.0012, 2.5098, 3.0013, 2.5099)
    assert not (tight.south <= snapped_lat <= tight.north and tight.west <= snapped_long <= tight.east)
    assert map_cells(tight, 19, MapFilters()).total == 0
    # ... and a box around the snapped point that leaves out the exact one finds it.
    around = BBox(snapped_lat - 1e-4, snapped_long - 1e-4, snapped_lat + 1e-4, snapped_long + 1e-4)
    assert not (around.south <= 3.00123 <= around.north and around.west <= 2.50987 <= around.east)
    assert map_cells(around, 19, MapFilters()).total == 1


def test_it_leaves_out_private_requests_and_private_types(world):
    make_request(world, is_private=True)
    make_request(world, service_type=world.records)
    assert map_cells(ELM, 10, MapFilters()).total == 0
    assert map_cells(ELM, 19, MapFilters()).total == 0


def test_it_filters_by_kind_status_district_department_and_dates(world):
    now = timezone.now()
    make_request(world)  # pothole, open, west, public works, an hour ago
    make_request(world, service_type=world.graffiti, lat=3.0, long=3.5, district=world.east)
    make_request(world, status=world.statuses["fixed"], closed_at=now)
    make_request(world, service_type=world.garbage, department=world.sanitation)
    make_request(world, ago=dt.timedelta(days=40))

    def total(**kwargs) -> int:
        return map_cells(ELM, 5, MapFilters(**kwargs)).total

    assert total() == 5
    assert total(service_codes=("pothole",)) == 3
    assert total(service_codes=("pothole", "graffiti")) == 4
    assert total(service_codes=("records",)) == 0  # a private type is never public, filtered or not
    assert total(status="open") == 4 and total(status="closed") == 1
    assert total(district_id=world.east.pk) == 1
    assert total(department_id=world.sanitation.pk) == 1
    today = timezone.localdate()
    assert total(date_from=today - dt.timedelta(days=1)) == 4
    assert total(date_to=today - dt.timedelta(days=39)) == 1
    assert total(date_from=today - dt.timedelta(days=41), date_to=today - dt.timedelta(days=39)) == 1


def test_it_counts_a_wide_view_on_a_coarser_grid_to_cap_the_cells(world):
    make_request(world)
    view = map_cells(BBox(-80, -170, 80, 170), 12, MapFilters())
    assert view.cell_degrees > services.cell_degrees(12)
    rows = (160 / view.cell_degrees + 1) * (340 / view.cell_degrees + 1)
    assert rows <= services.MAX_CELLS
    assert view.total == 1


def test_it_keeps_cells_when_the_points_would_be_too_many(world, monkeypatch):
    monkeypatch.setattr(services, "MAX_POINTS", 2)
    for i in range(3):
        make_request(world, lat=3.0 + i * 0.01, long=2.5)
    view = map_cells(ELM, 16, MapFilters())
    assert view.points == [] and view.points_truncated
    assert view.total == 3


def test_it_clamps_the_zoom(world):
    make_request(world)
    assert map_cells(ELM, 40, MapFilters()).zoom == services.MAX_ZOOM
    assert map_cells(ELM, -3, MapFilters()).zoom == services.MIN_ZOOM


def test_it_reads_a_leaflet_bbox_and_refuses_nonsense():
    assert BBox.parse("-88.1,40.0,-87.9,40.2") == BBox(40.0, -88.1, 40.2, -87.9)
    assert BBox.parse("-200,-100,200,100") == BBox(-90, -180, 90, 180)
    for bad in ["", "1,2,3", "a,b,c,d", "1,2,1,3", "1,5,2,4", "nan,1,2,3", "1,2,inf,3"]:
        with pytest.raises(ValueError):
            BBox.parse(bad)


def _street_view(world):
    """A street view with one crowded cell, a few lone requests (one of a snapped type, one on the view's
    edge) and requests just outside the view, as (box, zoom, the public ids that must come back as points)."""
    rodents = sensitive_type(world)
    zoom = 16
    size = services.cell_degrees(zoom)
    south, west = 3.0, 2.5
    box = BBox(south, west, south + 8 * size, west + 8 * size)
    for _ in range(services.POINTS_PER_CELL + 2):
        make_request(world, lat=south + 0.5 * size, long=west + 0.5 * size)
    lone = [make_request(world, lat=south + 3.2 * size, long=west + 5.7 * size),
            make_request(world, lat=south + 3.4 * size, long=west + 5.9 * size, ago=dt.timedelta(minutes=5)),
            make_request(world, lat=box.north, long=west + 2.5 * size)]  # on the edge: inside
    snapped_lat, snapped_long = snap_to_grid(south + 6 * size, west + 2 * size)
    assert box.south <= snapped_lat <= box.north and box.west <= snapped_long <= box.east
    lone.append(make_request(world, service_type=rodents, lat=south + 6 * size, long=west + 2 * size))
    make_request(world, lat=box.north + size / 2, long=west + 2.5 * size)  # outside
    make_request(world, lat=south + 3.2 * size, long=box.west - size / 3)  # outside
    return box, zoom, {sr.public_id for sr in lone}


def test_it_reads_only_the_small_cells_for_the_points_and_finds_the_same_ones_either_way(world, monkeypatch):
    box, zoom, expected = _street_view(world)
    by_range = map_cells(box, zoom, MapFilters())
    assert {p.public_id for p in by_range.points} == expected
    assert [cell.count for cell in by_range.cells] == [services.POINTS_PER_CELL + 2]
    monkeypatch.setattr(services, "POINT_CELLS_BY_RANGE", 0)  # the one-pass form with a window count
    in_one_pass = map_cells(box, zoom, MapFilters())
    assert [p.public_id for p in in_one_pass.points] == [p.public_id for p in by_range.points]
    assert [(p.lat, p.long) for p in in_one_pass.points] == [(p.lat, p.long) for p in by_range.points]
    assert in_one_pass.cells == by_range.cells


def test_it_knows_from_the_counts_that_the_points_are_too_many_without_reading_them(
        world, monkeypatch, django_assert_num_queries):
    box, zoom, expected = _street_view(world)
    monkeypatch.setattr(services, "MAX_POINTS", len(expected) - 1)
    with django_assert_num_queries(2):  # the service types and the cell count: no read of the points
        view = map_cells(box, zoom, MapFilters())
    assert view.points == [] and view.points_truncated
    assert view.total == len(expected) + services.POINTS_PER_CELL + 2
