"""Geometry helpers: GeoJSON areas to shapely shapes, point-in-area indexes, distances."""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable
from typing import Any

from django.core.exceptions import ValidationError
from shapely import STRtree
from shapely.geometry import Point, shape as _shape
from shapely.geometry.base import BaseGeometry

EARTH_RADIUS_M = 6_371_008.8
AREA_TYPES = {"Polygon", "MultiPolygon"}


def _geometries(obj: dict) -> list[dict]:
    kind = obj.get("type")
    if kind == "FeatureCollection":
        return [g for f in obj.get("features", []) for g in _geometries(f)]
    if kind == "Feature":
        return _geometries(obj.get("geometry") or {})
    if kind == "GeometryCollection":
        return [g for sub in obj.get("geometries", []) for g in _geometries(sub)]
    return [obj]


def shape(geojson: dict) -> BaseGeometry:
    """Return the union of the areas in a GeoJSON object (geometry, Feature or FeatureCollection).

    Raises ValueError when the object holds anything but polygons, or is not valid.
    """
    if not isinstance(geojson, dict):
        raise ValueError("A boundary must be a GeoJSON object.")
    parts = _geometries(geojson)
    if not parts:
        raise ValueError("The boundary holds no geometry.")
    shapes = []
    for part in parts:
        if part.get("type") not in AREA_TYPES:
            raise ValueError(f"A boundary must be a Polygon or MultiPolygon, not {part.get('type')!r}.")
        try:
            geom = _shape(part)
        except (KeyError, TypeError, ValueError, IndexError, AttributeError) as exc:
            raise ValueError(f"The boundary's coordinates are not valid GeoJSON: {exc}") from exc
        if not geom.is_valid:
            geom = geom.buffer(0)
        if geom.is_empty:
            raise ValueError("The boundary is empty.")
        shapes.append(geom)
    result = shapes[0]
    for geom in shapes[1:]:
        result = result.union(geom)
    minx, miny, maxx, maxy = result.bounds
    if minx < -180 or maxx > 180 or miny < -90 or maxy > 90:
        raise ValueError("Coordinates must be longitude, latitude in degrees (WGS84).")
    return result


def validate_geojson_area(value: Any) -> None:
    """Model/form validator: the value must be a GeoJSON polygon area."""
    try:
        shape(value)
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc


def valid_point(lat: float, long: float) -> bool:
    """True when lat/long are finite numbers in range."""
    return (
        isinstance(lat, (int, float)) and isinstance(long, (int, float))
        and math.isfinite(lat) and math.isfinite(long)
        and -90 <= lat <= 90 and -180 <= long <= 180
    )


class AreaIndex:
    """Finds which of many areas hold a point, fast (an STRtree over their shapes).

    Built once from (key, geojson) pairs; `containing(lat, long)` returns the
    keys of every area holding the point, smallest area first.
    """

    def __init__(self, areas: Iterable[tuple[Hashable, dict]]):
        self.keys: list[Hashable] = []
        self.shapes: list[BaseGeometry] = []
        for key, geojson in areas:
            try:
                geom = shape(geojson)
            except ValueError:
                continue  # an invalid boundary is refused by validation; never crash routing on one
            self.keys.append(key)
            self.shapes.append(geom)
        self.tree = STRtree(self.shapes) if self.shapes else None

    def containing(self, lat: float, long: float) -> list[Hashable]:
        if self.tree is None:
            return []
        point = Point(long, lat)
        hits = [int(i) for i in self.tree.query(point, predicate="covered_by")]
        hits.sort(key=lambda i: self.shapes[i].area)
        return [self.keys[i] for i in hits]


def contains(geojson: dict, lat: float, long: float) -> bool:
    """True when the GeoJSON area holds the point (edges count as inside)."""
    return shape(geojson).covers(Point(long, lat))


def distance_m(lat1: float, long1: float, lat2: float, long2: float) -> float:
    """Great-circle distance in metres between two WGS84 points."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(long2 - long1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def bbox(lat: float, long: float, radius_m: float) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_long, max_long) of a box that holds the circle of `radius_m`."""
    dlat = math.degrees(radius_m / EARTH_RADIUS_M)
    coslat = max(math.cos(math.radians(lat)), 1e-6)
    dlong = math.degrees(radius_m / (EARTH_RADIUS_M * coslat))
    return lat - dlat, lat + dlat, long - dlong, long + dlong


#: The duplicate look-up's index (`sr_open_type_band`) files open requests by band of latitude, a thousandth of
#: a degree (about 111 m) high, then by longitude: a look-up walks a short stretch of longitude in each of the few
#: bands its box crosses, however many open requests of the kind lie elsewhere on the same latitude.
#: The index stores the bands as computed when it was built: a new value needs a migration that builds it again
#: (until then look-ups stay right but walk without the index).
LATITUDE_BANDS_PER_DEGREE = 1000
#: The band of a latitude (a column or a value) as the database computes it: the index's expression.
LATITUDE_BAND_SQL = f"CAST(%s * {LATITUDE_BANDS_PER_DEGREE} AS integer)"


def latitude_bands(south: float, north: float, vendor: str) -> list[int]:
    """The band numbers the database (`vendor`) gives points between `south` and `north` degrees of latitude.

    A band is `CAST(lat * 1000 AS integer)`, computed by the database: SQLite truncates towards zero,
    PostgreSQL rounds to the nearest (ties to even, as Python's round()). Either way the band only grows with
    the latitude, and multiplying by 1000 keeps the order of any two latitudes, so every point between the two
    sides lies in a band from the south side's to the north side's, computed the same way here. Another
    database gets one band more on each side.
    """
    south, north = south * LATITUDE_BANDS_PER_DEGREE, north * LATITUDE_BANDS_PER_DEGREE
    if vendor == "sqlite":
        return list(range(math.trunc(south), math.trunc(north) + 1))
    if vendor == "postgresql":
        return list(range(round(south), round(north) + 1))
    return list(range(math.floor(south) - 1, math.floor(north) + 2))


def centroid(geojson: dict) -> tuple[float, float]:
    """(lat, long) of a point inside the area, for centring maps."""
    point = shape(geojson).representative_point()
    return point.y, point.x


#: Cell size of the coarse grid that sensitive locations are snapped to in public (about 500 m north-south;
#: east-west it narrows with latitude, to about 390 m at 40°). A setting would let a city change it, but every
#: public surface must agree, so it is one constant here.
SENSITIVE_GRID_DEGREES = 0.0045


def snap_to_grid(lat: float, long: float, cell: float = SENSITIVE_GRID_DEGREES) -> tuple[float, float]:
    """The centre of the grid cell (`cell` degrees square) that holds the point.

    Used to publish the location of sensitive requests: every point in a cell gets the same public
    coordinates, so the published point says only "somewhere in this ~500 m square". Deterministic (the
    same point always snaps to the same centre, so repeated publication leaks nothing more) and rounded to
    6 decimals so the output carries no trace of the original.
    """
    import math

    snapped_lat = (math.floor(lat / cell) + 0.5) * cell
    snapped_long = (math.floor(long / cell) + 0.5) * cell
    return round(snapped_lat, 6), round(snapped_long, 6)
