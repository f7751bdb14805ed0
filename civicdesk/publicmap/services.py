"""The public map's reads: requests counted by grid cell for a map view, and the keyset-paged list.

Everything here reads only public requests (not private, not of a private service type) and places a request
of a sensitive service type at its snapped point (lib.geo.snap_to_grid, done here in SQL), never its exact one.
The functions take plain values (a BBox, a zoom, MapFilters) so a later roll-up table can answer the same calls.
"""

from __future__ import annotations

import datetime as dt
import math
import zoneinfo
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection
from django.db.models import (
    Avg,
    BooleanField,
    Case,
    Count,
    F,
    FloatField,
    Func,
    Q,
    Value,
    When,
    Window,
)
from django.db.models.functions import Floor
from django.urls import reverse

from civicdesk.catalog.models import ServiceType, Status
from civicdesk.lib.geo import SENSITIVE_GRID_DEGREES
from civicdesk.lib.planner import unindexed
from civicdesk.servicerequests.models import ServiceRequest

#: Grid cells per 256-pixel map tile width: one cluster per 64 pixels or so.
CELLS_PER_TILE = 4
#: Zoom levels the map answers for (Leaflet's usual 0..19).
MIN_ZOOM, MAX_ZOOM = 0, 19
#: From this zoom on, a cell holding at most POINTS_PER_CELL requests is shown as its requests.
POINTS_MIN_ZOOM = 15
POINTS_PER_CELL = 10
#: Caps on one answer: a view needing more cells is counted on a coarser grid; more points than this and
#: the answer carries cells only (the reader zooms in further).
MAX_CELLS = 1500
MAX_POINTS = 1000
#: Rows per page of the list.
PAGE_SIZE = 50


@dataclass(frozen=True)
class BBox:
    """A map view in degrees (WGS84): south <= north, west <= east."""

    south: float
    west: float
    north: float
    east: float

    @classmethod
    def parse(cls, text: str) -> BBox:
        """From Leaflet's `toBBoxString()` ("west,south,east,north"), clamped to the world.

        Raises ValueError when the text is not four numbers or the box is empty or inverted."""
        parts = [float(part) for part in text.split(",")]
        if len(parts) != 4 or any(part != part or part in (float("inf"), float("-inf")) for part in parts):
            raise ValueError("bbox must be four numbers: west,south,east,north")
        west, south, east, north = parts
        box = cls(max(-90.0, south), max(-180.0, west), min(90.0, north), min(180.0, east))
        if box.south >= box.north or box.west >= box.east:
            raise ValueError("bbox must have south < north and west < east")
        return box


@dataclass(frozen=True)
class MapFilters:
    """What the reader filters on; every field empty means every public request.

    `service_codes`: kinds of problem (ServiceType.code); `status`: "open", "closed" or "" (both);
    `district_id`, `department_id`: one each or None; `date_from`/`date_to`: days the request was made,
    both inclusive, in the site's time zone (settings.TIME_ZONE).
    """

    service_codes: tuple[str, ...] = ()
    status: str = ""
    district_id: int | None = None
    department_id: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None


@dataclass
class Cell:
    """One grid cell with requests: how many, and where to draw them (the mean of their public points)."""

    lat: float
    long: float
    count: int
    bounds: tuple[float, float, float, float]  # south, west, north, east of the cell

    def as_json(self) -> dict:
        return {"lat": round(self.lat, 6), "long": round(self.long, 6), "count": self.count,
                "bounds": [round(value, 6) for value in self.bounds]}


@dataclass
class MapPoint:
    """One request shown on its own: only what its public tracking page shows."""

    public_id: str
    kind: str
    status: str
    is_open: bool
    lat: float
    long: float
    url: str

    def as_json(self) -> dict:
        return {"id": self.public_id, "kind": self.kind, "status": self.status, "open": self.is_open,
                "lat": round(self.lat, 6), "long": round(self.long, 6), "url": self.url}


@dataclass
class MapView:
    """What map_cells() answers: cells (and, zoomed in, points) inside the view."""

    zoom: int
    cell_degrees: float
    cells: list[Cell] = field(default_factory=list)
    points: list[MapPoint] = field(default_factory=list)
    #: True when the points were left out because there were more than MAX_POINTS.
    points_truncated: bool = False

    @property
    def total(self) -> int:
        return sum(cell.count for cell in self.cells) + len(self.points)

    def as_json(self) -> dict:
        return {"zoom": self.zoom, "cell": self.cell_degrees, "total": self.total,
                "cells": [cell.as_json() for cell in self.cells],
                "points": [point.as_json() for point in self.points],
                "points_truncated": self.points_truncated}


def cell_degrees(zoom: int) -> float:
    """The side of a grid cell at `zoom`, in degrees: a quarter of a map tile's width."""
    return 360.0 / (2 ** zoom) / CELLS_PER_TILE


@dataclass
class TypeChoice:
    """The service types a call may show, resolved to ids with one small query.

    `allowed` is None when every public type is (no kind filter); `private` are the types never shown;
    `sensitive` the shown types whose requests are snapped; `all_sensitive` every type marked sensitive."""

    allowed: list[int] | None
    private: list[int]
    sensitive: list[int]
    all_sensitive: frozenset[int] = frozenset()

    @property
    def nothing(self) -> bool:
        return self.allowed == []


def _types(filters: MapFilters) -> TypeChoice:
    rows = list(ServiceType.objects.order_by().values_list("id", "code", "is_private", "is_sensitive"))
    private = [pk for pk, _code, is_private, _s in rows if is_private]
    allowed = None
    if filters.service_codes:
        allowed = [pk for pk, code, is_private, _s in rows if code in filters.service_codes and not is_private]
    sensitive = [pk for pk, _code, is_private, is_sensitive in rows
                 if is_sensitive and not is_private and (allowed is None or pk in allowed)]
    return TypeChoice(allowed, private, sensitive,
                      frozenset(pk for pk, _code, _private, is_sensitive in rows if is_sensitive))


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE))


def filtered_requests(filters: MapFilters, types: TypeChoice, *, newest_first: bool = False):
    """Public requests matching the filters, as a queryset with no join (types resolved to ids first).

    Without a kind filter the private types are excluded (NOT IN), which leaves the database free to use the
    position or date index; with one, the chosen ids are required (IN). `newest_first` (the list) keeps
    SQLite from reading every request of the chosen kinds through the service-type index and sorting them:
    the type test is written `service_type_id + 0`, so it walks the date index newest first and stops after a
    page, unless one kind is chosen: that one walks the (service_type, requested_at, id) index. A district or
    department filter walks its own (…, requested_at, id) index likewise."""
    requests = ServiceRequest.objects.filter(is_private=False)
    if types.allowed is None:
        if types.private:
            requests = requests.exclude(service_type_id__in=types.private)
    elif newest_first and len(types.allowed) > 1:
        requests = requests.alias(type_id=F("service_type_id") + Value(0)).filter(type_id__in=types.allowed)
    else:
        requests = requests.filter(service_type_id__in=types.allowed)
    if filters.status == "open":
        requests = requests.filter(is_open=True)
    elif filters.status == "closed":
        requests = requests.filter(is_open=False)
    if filters.district_id is not None:
        requests = requests.filter(district_id=filters.district_id)
    if filters.department_id is not None:
        requests = requests.filter(department_id=filters.department_id)
    if filters.date_from is not None:
        requests = requests.filter(requested_at__gte=_day_start(filters.date_from))
    if filters.date_to is not None:
        requests = requests.filter(requested_at__lt=_day_start(filters.date_to + dt.timedelta(days=1)))
    return requests


def _snapped(column: str, sensitive_ids: list[int]):
    """SQL for the public coordinate: the column, or its snapped grid centre for sensitive types
    ((floor(x / g) + 0.5) * g, the same as lib.geo.snap_to_grid before its rounding)."""
    if not sensitive_ids:
        return F(column)
    grid = Value(SENSITIVE_GRID_DEGREES)
    return Case(When(service_type_id__in=sensitive_ids, then=(Floor(F(column) / grid) + Value(0.5)) * grid),
                default=F(column), output_field=FloatField())


def _in_view(requests, bbox: BBox, sensitive_ids: list[int]):
    """Requests whose public point is inside the box, with that point as (plat, plong).

    The stored columns are bounded first, so that an index does the work: a request of a shown type inside the
    box itself, or one of a snapped (sensitive) type inside `_snapped_region`, the grid cells whose centres
    fall in the box (where a snapped point inside the box can come from). The public point is then checked
    exactly."""
    if sensitive_ids:
        # The type is compared as `service_type_id + 0`: the planner must not AND the type's index (millions
        # of rows of one kind) with the few thousand the position index finds.
        requests = requests.alias(snapped_type=unindexed("service_type_id"))
        requests = requests.filter(_box_condition(bbox) | (
            Q(snapped_type__in=sensitive_ids) & _snapped_region_condition(bbox)))
    else:
        requests = requests.filter(_box_condition(bbox))
    requests = requests.annotate(plat=_snapped("lat", sensitive_ids), plong=_snapped("long", sensitive_ids))
    if sensitive_ids:
        requests = requests.filter(plat__gte=bbox.south, plat__lte=bbox.north,
                                   plong__gte=bbox.west, plong__lte=bbox.east)
    return requests


def _box_condition(bbox: BBox) -> Q:
    """The stored point inside `bbox` (edges included), as the position index reads it: on PostgreSQL a
    geometric test that the GiST index map_sr_point answers (migration 0002; the B-tree on (lat, long) would
    read the city's whole band of latitude), elsewhere ranges on the B-tree sr_position."""
    if connection.vendor == "postgresql":
        return Q(PointInBox(bbox.west, bbox.south, bbox.east, bbox.north))
    return Q(lat__gte=bbox.south, lat__lte=bbox.north, long__gte=bbox.west, long__lte=bbox.east)


def _snapped_region_condition(bbox: BBox) -> Q:
    """Where the stored point of a snapped request must be for its public point (its grid cell's centre,
    lib.geo.snap_to_grid) to fall inside `bbox`: the cells whose centres are in the box, widened by a hair for
    rounding (the exact test on the public point follows). Nothing when no centre is in the box."""
    grid = SENSITIVE_GRID_DEGREES
    rows = range(math.ceil(bbox.south / grid - 0.5), math.floor(bbox.north / grid - 0.5) + 1)
    columns = range(math.ceil(bbox.west / grid - 0.5), math.floor(bbox.east / grid - 0.5) + 1)
    if not rows or not columns:
        return Q(pk__in=[])
    hair = grid * 1e-6
    return _box_condition(BBox(south=rows[0] * grid - hair, west=columns[0] * grid - hair,
                               north=(rows[-1] + 1) * grid + hair, east=(columns[-1] + 1) * grid + hair))


class PointInBox(Func):
    """PostgreSQL only: `point(long, lat) <@ box(point(west, south), point(east, north))`, a boolean for
    filter() that the GiST index map_sr_point (migration 0002) answers. The corners are bound parameters."""

    output_field = BooleanField()

    def __init__(self, west: float, south: float, east: float, north: float):
        super().__init__(F("long"), F("lat"), *(Value(float(v)) for v in (west, south, east, north)))

    def as_sql(self, compiler, connection, **extra_context):
        parts, params = [], []
        for expression in self.get_source_expressions():
            sql, more = compiler.compile(expression)
            parts.append(sql)
            params.extend(more)
        return "point({}, {}) <@ box(point({}, {}), point({}, {}))".format(*parts), params


def _grid_for(bbox: BBox, zoom: int) -> tuple[float, int]:
    """The cell size for the view and its grid level: the zoom's, doubled (one level coarser) until the view
    holds at most MAX_CELLS cells."""
    size, level = cell_degrees(zoom), zoom
    while ((bbox.north - bbox.south) / size + 1) * ((bbox.east - bbox.west) / size + 1) > MAX_CELLS:
        size *= 2
        level -= 1
    return size, level


def map_cells(bbox: BBox, zoom: int, filters: MapFilters, *, use_rollup: bool = True) -> MapView:
    """Public requests in the map view `bbox` at `zoom` (clamped to MIN_ZOOM..MAX_ZOOM), counted per grid cell.

    The grid is square in degrees, `cell_degrees(zoom)` wide (coarser when the view would hold more than
    MAX_CELLS cells); each request counts in the cell holding its public point (snapped for sensitive types),
    and each cell is drawn at the mean of its requests' public points. From POINTS_MIN_ZOOM on, cells holding
    at most POINTS_PER_CELL requests come back as their requests (MapPoint) instead, unless that would be
    more than MAX_POINTS points, in which case everything stays counted (`points_truncated`).

    Below POINTS_MIN_ZOOM, a view whose edges lie on its grid (the map page asks for whole tiles) is
    answered from the roll-up (rollup.py: a few thousand rows whatever the number of requests, as of the
    last sync, at most a minute or so old) when it is current; any other view is counted on the fly from
    the requests table. Both give the same cells (tests/test_rollup_exact.py); `use_rollup=False` forces
    the on-the-fly count.

    Queries: one for the service types; from the roll-up, one for its state and two for the cells (inside,
    and on the north and east edges); on the fly, one GROUP BY for the cells and, zoomed in, one for the points
    (a window count per cell) plus one for the status names.
    """
    from . import rollup

    zoom = max(MIN_ZOOM, min(MAX_ZOOM, int(zoom)))
    size, level = _grid_for(bbox, zoom)
    view = MapView(zoom=zoom, cell_degrees=size)
    types = _types(filters)
    if types.nothing:
        return view
    if (use_rollup and zoom < POINTS_MIN_ZOOM and level <= rollup.ROLLUP_MAX_LEVEL and rollup.aligned(bbox, size)
            and rollup.is_current(types.all_sensitive)):
        rows = rollup.cells_from_rollup(bbox, size, level, filters, types) or []
        small: set = set()
    else:
        located = _located(filtered_requests(filters, types), bbox, types.sensitive, size)
        rows = list(located.order_by().values("cy", "cx").annotate(n=Count("id"), mlat=Avg("plat"),
                                                                    mlong=Avg("plong")))
        small = {(row["cy"], row["cx"]): row["n"] for row in rows if row["n"] <= POINTS_PER_CELL} \
            if zoom >= POINTS_MIN_ZOOM else {}
        if small:
            view.points = _points(filtered_requests(filters, types), bbox, types.sensitive, size, small)
            if view.points is None:
                view.points, view.points_truncated, small = [], True, {}
    for row in rows:
        if (row["cy"], row["cx"]) in small:
            continue
        south, west = row["cy"] * size, row["cx"] * size
        view.cells.append(Cell(lat=row["mlat"], long=row["mlong"], count=row["n"],
                               bounds=(south, west, south + size, west + size)))
    view.cells.sort(key=lambda cell: (-cell.count, cell.lat, cell.long))
    return view


def _located(requests, bbox: BBox, sensitive_ids: list[int], size: float):
    """`requests` inside the view, each with its public point (plat, plong) and grid cell (cy, cx)."""
    return _in_view(requests, bbox, sensitive_ids).annotate(
        cy=Floor(F("plat") / Value(size)), cx=Floor(F("plong") / Value(size)))


#: Up to this many small cells, their requests are read cell by cell (one index range each); above it, in one
#: pass over the view with a count per cell.
POINT_CELLS_BY_RANGE = 64


def _points(requests, bbox: BBox, sensitive_ids: list[int], size: float,
            small: dict[tuple, int]) -> list[MapPoint] | None:
    """The requests of the cells holding at most POINTS_PER_CELL (`small`: {(cy, cx): count}, from the cell
    count), or None when they are more than MAX_POINTS (known from the counts, so nothing is read then).

    The view was just counted, so only the small cells' few requests are read: each small cell's box (widened
    by half a snapping cell when some types are snapped) is an index range of its own, OR-ed together, and
    the exact cell is then checked on the public point. A street view in a busy downtown holds thousands of
    requests in a few crowded cells and a handful in the others; reading the view a second time (to count
    per cell again) cost as much as the count itself. Beyond POINT_CELLS_BY_RANGE small cells the boxes
    would make a long statement, so the view is read once more with a window count per cell instead."""
    if sum(small.values()) > MAX_POINTS:
        return None
    if len(small) <= POINT_CELLS_BY_RANGE:
        pad = SENSITIVE_GRID_DEGREES / 2 if sensitive_ids else 0.0
        boxes, cells = Q(), Q()
        for cy, cx in small:
            south, west = cy * size, cx * size
            boxes |= _box_condition(BBox(south=south - pad, west=west - pad, north=south + size + pad,
                                         east=west + size + pad))
            cells |= Q(cy=cy, cx=cx)
        located = _located(requests.filter(boxes), bbox, sensitive_ids, size).filter(cells)
    else:
        located = _located(requests, bbox, sensitive_ids, size).annotate(
            n=Window(Count("id"), partition_by=[F("cy"), F("cx")])).filter(n__lte=POINTS_PER_CELL)
    rows = list(located.order_by("-requested_at", "-id")
                .values("public_id", "service_type_id", "status_id", "is_open", "plat", "plong")[:MAX_POINTS + 1])
    if len(rows) > MAX_POINTS:
        return None
    kinds = {t.pk: t.name for t in ServiceType.objects.filter(pk__in={row["service_type_id"] for row in rows})}
    statuses = {s.pk: s.name for s in Status.objects.filter(pk__in={row["status_id"] for row in rows})}
    return [MapPoint(public_id=row["public_id"], kind=kinds.get(row["service_type_id"], ""),
                     status=statuses.get(row["status_id"], ""), is_open=row["is_open"],
                     lat=row["plat"], long=row["plong"],
                     url=reverse("servicerequests:track", args=[row["public_id"]])) for row in rows]


# --- the list ---------------------------------------------------------------------------------------

@dataclass
class ListRow:
    """One row of the accessible list: what the tracking page shows in public, never more."""

    public_id: str
    kind: str
    status: str
    is_open: bool
    requested_at: dt.datetime
    place: str  # public address, else district name, else ""
    district: str
    url: str


@dataclass
class ListPage:
    rows: list[ListRow]
    #: The cursor of the next (older) page, or "" on the last page.
    next_cursor: str


def encode_cursor(requested_at: dt.datetime, pk: int) -> str:
    return f"{requested_at.astimezone(dt.UTC).strftime('%Y%m%dT%H%M%S.%f')}_{pk}"


def decode_cursor(text: str) -> tuple[dt.datetime, int]:
    """(requested_at, id) from a cursor; raises ValueError when it is not one."""
    stamp, _, pk = text.partition("_")
    when = dt.datetime.strptime(stamp, "%Y%m%dT%H%M%S.%f").replace(tzinfo=dt.UTC)
    return when, int(pk)


def list_page(filters: MapFilters, *, after: str = "", size: int | None = None) -> ListPage:
    """Public requests matching the filters, newest first, `size` (PAGE_SIZE) per page, keyset-paged on (requested_at, id):
    `after` is the `next_cursor` of the page before (ValueError when it cannot be read). Sensitive types
    show no address (their district instead). Two queries: the types, then the page (type, status and district joined)."""
    size = size or PAGE_SIZE
    types = _types(filters)
    if types.nothing:
        return ListPage([], "")
    requests = filtered_requests(filters, types, newest_first=True)
    if after:
        when, pk = decode_cursor(after)
        requests = requests.filter(Q(requested_at__lt=when) | Q(requested_at=when, pk__lt=pk))
    found = list(requests.select_related("service_type", "status", "district")
                 .order_by("-requested_at", "-pk")[:size + 1])
    rows = [ListRow(public_id=sr.public_id, kind=sr.service_type.name, status=sr.status.name, is_open=sr.is_open,
                    requested_at=sr.requested_at, place=sr.public_address(),
                    district=sr.district.name if sr.district_id else "", url=sr.get_absolute_url())
            for sr in found[:size]]
    next_cursor = encode_cursor(found[size - 1].requested_at, found[size - 1].pk) if len(found) > size else ""
    return ListPage(rows, next_cursor)
