"""Geometry: GeoJSON areas, point look-ups and distances."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from civicdesk.lib import geo
from civicdesk.testing.world import square


def test_it_finds_the_smallest_area_holding_a_point_first():
    index = geo.AreaIndex([("county", square(0, 0, 10, 10)), ("town", square(2, 2, 4, 4))])
    assert index.containing(3, 3) == ["town", "county"]
    assert index.containing(8, 8) == ["county"]
    assert index.containing(20, 20) == []


def test_it_counts_a_point_on_the_edge_as_inside():
    assert geo.contains(square(0, 0, 1, 1), 1.0, 0.5)


def test_it_accepts_features_and_multipolygons():
    feature = {"type": "Feature", "properties": {}, "geometry": {
        "type": "MultiPolygon", "coordinates": [square(0, 0, 1, 1)["coordinates"], square(5, 5, 6, 6)["coordinates"]]}}
    assert geo.contains(feature, 5.5, 5.5) and not geo.contains(feature, 3, 3)


@pytest.mark.parametrize("bad", [
    {"type": "Point", "coordinates": [1, 2]},
    {"type": "Polygon", "coordinates": "nonsense"},
    {"type": "FeatureCollection", "features": []},
    square(0, 0, 200, 1),
    "not even a dict",
])
def test_it_refuses_what_is_not_an_area(bad):
    with pytest.raises(ValidationError):
        geo.validate_geojson_area(bad)


def test_it_measures_distances_in_metres():
    # One thousandth of a degree of latitude is about 111 m.
    assert 110 < geo.distance_m(40.0, -88.0, 40.001, -88.0) < 112


def test_it_builds_a_box_that_holds_the_circle():
    min_lat, max_lat, min_long, max_long = geo.bbox(40.0, -88.0, 100)
    assert geo.distance_m(40.0, -88.0, max_lat, -88.0) == pytest.approx(100, rel=0.01)
    assert geo.distance_m(40.0, -88.0, 40.0, max_long) == pytest.approx(100, rel=0.01)


def test_it_rejects_impossible_points():
    assert geo.valid_point(40, -88)
    assert not geo.valid_point(95, 0) and not geo.valid_point(0, 181) and not geo.valid_point(float("nan"), 0)


# Latitudes on and beside the edges of the duplicate index's bands (a thousandth of a degree), in both
# hemispheres, at the equator and the poles, and the ties of rounding (x.5 thousandths, as near as a float gets).
BAND_EDGES = [0.0, -0.0, 0.0005, -0.0005, 0.001, -0.001, 0.0015, -0.0015, 3.0, 40.0005, 40.0015, -33.8765,
              -54.8015, 64.1355, 89.9995, -89.9995, 90.0, -90.0, 12.3454999999, 12.3455000001]


@pytest.mark.django_db
def test_it_lists_every_band_the_database_gives_a_latitude_inside_a_box():
    import random

    from django.db import connection

    rng = random.Random(2026)
    lats = BAND_EDGES + [rng.uniform(-90, 90) for _ in range(300)] + [rng.uniform(-0.01, 0.01) for _ in range(100)]
    band_sql = "SELECT " + geo.LATITUDE_BAND_SQL % ("CAST(%s AS double precision)" if connection.vendor == "postgresql"
                                                    else "%s")
    with connection.cursor() as cursor:
        for lat in lats:
            cursor.execute(band_sql, [lat])
            band = cursor.fetchone()[0]
            for reach in (0.0, 0.00001, 0.0004, 0.003):  # the point on a side of the box, or inside it
                bands = geo.latitude_bands(lat - reach, lat + reach, connection.vendor)
                assert band in bands, (lat, reach, band, bands)
                assert geo.latitude_bands(lat, lat + reach, connection.vendor)[0] == band
                assert geo.latitude_bands(lat - reach, lat, connection.vendor)[-1] == band
