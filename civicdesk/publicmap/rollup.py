"""Keeping the map roll-up (models.MapCellCount) current, and reading a map view from it.

Writing. The public map's roll-up follows the dashboards' sync job (transparency.rollups): that job decides
which requests may have changed (new ids, `updated_at` since its last run, types whose privacy changed, plus
the types whose sensitivity changed, which this module reports through `stale_type_ids()`), and calls
`MapRollup.recount(ids)` in the same transaction as its own recount. Each request's last counted state is a
`MappedRequest` row; a change is applied as old contribution minus, new contribution plus, into one row per
grid level × grain (45 rows a request), so applying a request twice changes nothing. Deletions come through
`forget()` from the dashboards' delete receiver; `rebuild()` (run by `manage.py rebuild_rollups`) recomputes
everything in SQL.

Reading. `cells_from_rollup()` answers map_cells() for a view whose edges lie on its grid (the map page asks
for views expanded to whole tiles) from the roll-up rows of the cells inside, plus the few requests lying
exactly on the view's north or east edge, which the on-the-fly count includes (its box is inclusive) and the
cells inside do not: those are read from MappedRequest through a small partial index (`on_line`).
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
from collections.abc import Iterable, Sequence

from django.db import connection
from django.db.models import Case, Count, F, IntegerField, Q, Sum, Value, When
from django.db.models.functions import Cast, Coalesce, Floor, TruncDate, TruncMonth
from django.utils import timezone

from civicdesk.catalog.models import ServiceType
from civicdesk.lib.geo import SENSITIVE_GRID_DEGREES
from civicdesk.servicerequests.models import ServiceRequest
from civicdesk.transparency.rollups import _table, local_tz

from .models import (
    ALL_TIME,
    CELL_KEYS,
    MAPPED_FIELDS,
    ROLLUP_MAX_LEVEL,
    Grain,
    MapCellCount,
    MappedRequest,
    MapRollupState,
)

LEVELS = range(ROLLUP_MAX_LEVEL + 1)
REQUEST_FIELDS = ("id", "service_type_id", "is_open", "district_id", "department_id", "requested_at", "lat", "long",
                  "is_private", "service_type__is_private")


def level_degrees(level: int) -> float:
    """The side of a cell at grid level `level` in degrees (the same float as services.cell_degrees)."""
    return 360.0 / (2 ** level) / 4


FINEST = level_degrees(ROLLUP_MAX_LEVEL)


def snap(value: float) -> float:
    """The snapped coordinate, computed with the same floating-point steps as the map's SQL."""
    return (math.floor(value / SENSITIVE_GRID_DEGREES) + 0.5) * SENSITIVE_GRID_DEGREES


def on_line(plat: float, plong: float) -> bool:
    """True when the public point lies exactly on a line of the finest grid (hence maybe on a view's edge)."""
    return plat / FINEST == math.floor(plat / FINEST) or plong / FINEST == math.floor(plong / FINEST)


def mapped_state(row: Sequence, sensitive: set[int], tz: dt.tzinfo) -> tuple | None:
    """The MAPPED_FIELDS state of a REQUEST_FIELDS row, or None when the map does not count it (private)."""
    _pk, type_id, is_open, district, department, requested_at, lat, long, is_private, type_private = row
    if is_private or type_private or lat is None or long is None:
        return None
    plat, plong = (snap(lat), snap(long)) if type_id in sensitive else (lat, long)
    return (type_id, bool(is_open), district or 0, department or 0, requested_at.astimezone(tz).date(), plat, plong,
            on_line(plat, plong))


def _periods(day: dt.date) -> tuple[tuple[int, dt.date], ...]:
    return (Grain.ALL, ALL_TIME), (Grain.MONTH, day.replace(day=1)), (Grain.DAY, day)


def add_contribution(totals: dict, state: tuple, sign: int) -> None:
    """Add (sign=1) or take away (sign=-1) what a mapped state contributes, into {CELL_KEYS key: [n, Σlat, Σlong]}."""
    type_id, is_open, district, department, day, plat, plong, _line = state
    periods = _periods(day)
    for level in LEVELS:
        size = level_degrees(level)
        cy, cx = math.floor(plat / size), math.floor(plong / size)
        for grain, period in periods:
            key = (level, int(grain), period, cy, cx, type_id, is_open, district, department)
            found = totals.get(key)
            if found is None:
                found = totals[key] = [0, 0.0, 0.0]
            found[0] += sign
            found[1] += sign * plat
            found[2] += sign * plong


def _apply(totals: dict) -> None:
    """INSERT … ON CONFLICT DO UPDATE adding the deltas, then drop the rows left with no request."""
    rows = [key + tuple(values) for key, values in totals.items() if any(values)]
    if rows:
        table = _table(MapCellCount)
        columns = ", ".join(CELL_KEYS + ("requests", "sum_lat", "sum_long"))
        sql = (f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * (len(CELL_KEYS) + 3))}) "
               f"ON CONFLICT ({', '.join(CELL_KEYS)}) DO UPDATE SET requests = {table}.requests + excluded.requests, "
               f"sum_lat = {table}.sum_lat + excluded.sum_lat, sum_long = {table}.sum_long + excluded.sum_long")
        with connection.cursor() as cursor:
            cursor.executemany(sql, rows)
    MapCellCount.objects.filter(requests__lte=0).delete()


def _sensitive_now() -> set[int]:
    return set(ServiceType.objects.filter(is_sensitive=True).values_list("pk", flat=True))


def _state() -> MapRollupState:
    return MapRollupState.objects.get_or_create(pk=1)[0]


class MapRollup:
    """The follower registered with transparency.rollups (see its FOLLOWERS): called by its sync job,
    delete receiver and rebuild, always inside their transactions and under their lock."""

    def __init__(self) -> None:
        self._sensitive_seen: set[int] | None = None

    def needs_rebuild(self) -> bool:
        return not MapRollupState.objects.filter(pk=1, rebuilt_at__isnull=False).exists()

    def stale_type_ids(self) -> set[int]:
        """Types whose sensitivity changed since their requests were counted (their points move)."""
        self._sensitive_seen = _sensitive_now()
        return self._sensitive_seen ^ set(_state().sensitive_types)

    def synced(self) -> None:
        state = _state()
        if self._sensitive_seen is not None:
            state.sensitive_types = sorted(self._sensitive_seen)
        state.synced_at = timezone.now()
        state.save()

    def recount(self, ids: Sequence[int]) -> int:
        """Bring these requests' contributions up to date; returns how many changed."""
        tz, sensitive = local_tz(), _sensitive_now()
        old = {row[0]: tuple(row[1:]) for row in
               MappedRequest.objects.filter(request_id__in=ids).values_list("request_id", *MAPPED_FIELDS)}
        totals: dict = {}
        changed, gone = [], []
        for row in ServiceRequest.objects.filter(pk__in=ids).values_list(*REQUEST_FIELDS).order_by():
            state = mapped_state(row, sensitive, tz)
            before = old.pop(row[0], None)
            if before == state:
                continue
            if before is not None:
                add_contribution(totals, before, -1)
            if state is None:
                gone.append(row[0])
            else:
                add_contribution(totals, state, 1)
                changed.append(MappedRequest(row[0], *state))
        for pk, before in old.items():  # requests deleted
            add_contribution(totals, before, -1)
            gone.append(pk)
        if gone:
            MappedRequest.objects.filter(request_id__in=gone).delete()
        if changed:
            MappedRequest.objects.bulk_create(changed, update_conflicts=True, unique_fields=["request_id"],
                                              update_fields=list(MAPPED_FIELDS))
        _apply(totals)
        return len(changed) + len(gone)

    def forget(self, ids: Sequence[int]) -> None:
        totals: dict = {}
        for row in MappedRequest.objects.filter(request_id__in=ids).values_list(*MAPPED_FIELDS):
            add_contribution(totals, tuple(row), -1)
        MappedRequest.objects.filter(request_id__in=ids).delete()
        _apply(totals)

    def rebuild(self) -> None:
        rebuild()


# --- Rebuilding in SQL -------------------------------------------------------------------------------------------

def _insert_select(model, columns: Sequence[str], queryset) -> None:
    """INSERT INTO model (columns) SELECT the queryset's values() (its aliases named after `columns`)."""
    sql, params = queryset.query.sql_with_params()
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    select = ", ".join(f"sub.{connection.ops.quote_name('m_' + c)}" for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {_table(model)} ({names}) SELECT {select} FROM ({sql}) sub", params)


def rebuild() -> None:
    """Recompute MappedRequest and MapCellCount from the requests table, in SQL (call inside a transaction;
    rebuild_rollups does): the states first, then the finest level by day, each coarser level from the one
    below it (floor(cy / 2) is exact on this power-of-two grid), then months from days and all time from months."""
    from .services import _snapped as snapped_sql

    sensitive = sorted(_sensitive_now())
    with connection.cursor() as cursor:
        for model in (MappedRequest, MapCellCount):
            cursor.execute(f"DELETE FROM {_table(model)}")
    public = ServiceRequest.objects.filter(is_private=False, service_type__is_private=False).order_by()
    fine = Value(FINEST)
    states = public.annotate(
        m_request_id=F("id"), m_service_type_key=F("service_type_id"), m_is_open=F("is_open"),
        m_district_key=Coalesce("district_id", 0), m_department_key=Coalesce("department_id", 0),
        m_day=TruncDate("requested_at", tzinfo=local_tz()),
        m_plat=snapped_sql("lat", sensitive), m_plong=snapped_sql("long", sensitive),
    ).annotate(m_ry=F("m_plat") / fine, m_rx=F("m_plong") / fine).annotate(
        m_on_line=Case(When(Q(m_ry=Floor("m_ry")) | Q(m_rx=Floor("m_rx")), then=Value(True)), default=Value(False)))
    columns = ("request_id",) + MAPPED_FIELDS
    _insert_select(MappedRequest, columns, states.values(*(f"m_{c}" for c in columns)))

    dims = ("service_type_key", "is_open", "district_key", "department_key")
    cells = MapCellCount.objects.order_by()
    size = Value(FINEST)
    finest = (MappedRequest.objects.order_by()
              .annotate(m_level=Value(ROLLUP_MAX_LEVEL), m_grain=Value(int(Grain.DAY)), m_period=F("day"),
                        m_cy=Cast(Floor(F("plat") / size), IntegerField()),
                        m_cx=Cast(Floor(F("plong") / size), IntegerField()),
                        **{f"m_{d}": F(d) for d in dims})
              .values(*(f"m_{c}" for c in CELL_KEYS))
              .annotate(m_requests=Count("request_id"), m_sum_lat=Sum("plat"), m_sum_long=Sum("plong")))
    _insert_select(MapCellCount, CELL_KEYS + ("requests", "sum_lat", "sum_long"), finest)
    for level in reversed(range(ROLLUP_MAX_LEVEL)):
        _insert_select(MapCellCount, CELL_KEYS + ("requests", "sum_lat", "sum_long"), _summed(
            cells.filter(level=level + 1, grain=Grain.DAY), level=level, grain=Grain.DAY, period=F("period"),
            cy=Cast(Floor(F("cy") / Value(2.0)), IntegerField()), cx=Cast(Floor(F("cx") / Value(2.0)), IntegerField())))
    for grain, period, source in ((Grain.MONTH, TruncMonth("period"), Grain.DAY), (Grain.ALL, Value(ALL_TIME), Grain.MONTH)):
        _insert_select(MapCellCount, CELL_KEYS + ("requests", "sum_lat", "sum_long"), _summed(
            cells.filter(grain=source), level=F("level"), grain=grain, period=period, cy=F("cy"), cx=F("cx")))
    state = _state()
    state.sensitive_types = sensitive
    state.rebuilt_at = state.synced_at = timezone.now()
    state.save()


def _summed(rows, *, level, grain, period, cy, cx):
    """MapCellCount rows regrouped under new (level, grain, period, cy, cx) with their sums added."""
    value = (lambda v: v if hasattr(v, "resolve_expression") else Value(int(v)))
    return (rows.annotate(m_level=value(level), m_grain=value(grain), m_period=period, m_cy=cy, m_cx=cx,
                          **{f"m_{d}": F(d) for d in ("service_type_key", "is_open", "district_key", "department_key")})
            .values(*(f"m_{c}" for c in CELL_KEYS))
            .annotate(m_requests=Sum("requests"), m_sum_lat=Sum("sum_lat"), m_sum_long=Sum("sum_long")))


# --- Reading -----------------------------------------------------------------------------------------------------

def is_current(sensitive_now: Iterable[int] | None = None) -> bool:
    """True when the roll-up may answer: built, and counted with the service types sensitive now
    (`sensitive_now`, read when not given); right after a type is made sensitive the map counts on the fly
    until the next sync has moved its points."""
    state = MapRollupState.objects.filter(pk=1).values_list("rebuilt_at", "sensitive_types").first()
    sensitive = _sensitive_now() if sensitive_now is None else set(sensitive_now)
    return state is not None and state[0] is not None and set(state[1]) == sensitive


def period_filter(date_from: dt.date | None, date_to: dt.date | None) -> Q | None:
    """The roll-up rows of exactly the days date_from..date_to (inclusive; None for open ends): whole months
    from the month grain and the days of the partial months at either edge from the day grain. None when the
    range is empty."""
    if date_from is None and date_to is None:
        return Q(grain=Grain.ALL, period=ALL_TIME)
    first = date_from or dt.date(1, 1, 1)
    last = date_to or dt.date(9999, 12, 31)
    if first > last:
        return None
    whole_from = first if first.day == 1 else _next_month(first)
    month_end = calendar.monthrange(last.year, last.month)[1]
    whole_to = last.replace(day=1) if last.day == month_end else _previous_month(last)
    if whole_from is None or whole_to is None or whole_from > whole_to:
        return Q(grain=Grain.DAY, period__gte=first, period__lte=last)
    where = Q(grain=Grain.MONTH, period__gte=whole_from, period__lte=whole_to)
    if first < whole_from:
        where |= Q(grain=Grain.DAY, period__gte=first, period__lt=whole_from)
    after = _next_month(whole_to)
    if after is not None and after <= last:
        where |= Q(grain=Grain.DAY, period__gte=after, period__lte=last)
    return where


def _next_month(day: dt.date) -> dt.date | None:
    if day.year == 9999 and day.month == 12:
        return None
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _previous_month(day: dt.date) -> dt.date | None:
    if day.year == 1 and day.month == 1:
        return None
    return dt.date(day.year - (day.month == 1), (day.month - 2) % 12 + 1, 1)


def aligned(bbox, size: float) -> bool:
    """True when every edge of the view lies on the grid of cells `size` wide."""
    return all(edge / size == math.floor(edge / size) for edge in (bbox.south, bbox.west, bbox.north, bbox.east))


def _filtered(queryset, filters, types, *, type_column: str, day_q: Q):
    if types.allowed is not None:
        queryset = queryset.filter(**{f"{type_column}__in": types.allowed})
    elif types.private:
        queryset = queryset.exclude(**{f"{type_column}__in": types.private})
    if filters.status:
        queryset = queryset.filter(is_open=filters.status == "open")
    if filters.district_id is not None:
        queryset = queryset.filter(district_key=filters.district_id)
    if filters.department_id is not None:
        queryset = queryset.filter(department_key=filters.department_id)
    return queryset.filter(day_q)


def cells_from_rollup(bbox, size: float, level: int, filters, types) -> list[dict] | None:
    """{"cy", "cx", "n", "mlat", "mlong"} per cell with requests in the view (as the on-the-fly GROUP BY
    answers), for a view whose edges lie on the grid `size` = level_degrees(level); None when the date
    range is empty. Two queries: the cells inside, and the requests exactly on the north or east edge."""
    periods = period_filter(filters.date_from, filters.date_to)
    if periods is None:
        return None
    south, west = round(bbox.south / size), round(bbox.west / size)
    north, east = round(bbox.north / size), round(bbox.east / size)
    inside = _filtered(MapCellCount.objects.filter(level=level, cy__gte=south, cy__lt=north, cx__gte=west,
                                                   cx__lt=east),
                       filters, types, type_column="service_type_key", day_q=periods)
    found: dict[tuple[int, int], list] = {}
    for row in inside.values("cy", "cx").annotate(n=Sum("requests"), slat=Sum("sum_lat"), slong=Sum("sum_long")
                                                  ).order_by():
        found[(row["cy"], row["cx"])] = [row["n"], row["slat"], row["slong"]]
    days = Q()
    if filters.date_from is not None:
        days &= Q(day__gte=filters.date_from)
    if filters.date_to is not None:
        days &= Q(day__lte=filters.date_to)
    edges = (Q(plat=bbox.north, plong__gte=bbox.west, plong__lte=bbox.east)
             | Q(plong=bbox.east, plat__gte=bbox.south, plat__lte=bbox.north))
    on_edges = _filtered(MappedRequest.objects.filter(edges, on_line=True), filters, types,
                         type_column="service_type_key", day_q=days)
    for plat, plong in on_edges.values_list("plat", "plong"):
        sums = found.setdefault((math.floor(plat / size), math.floor(plong / size)), [0, 0.0, 0.0])
        sums[0] += 1
        sums[1] += plat
        sums[2] += plong
    return [{"cy": cy, "cx": cx, "n": n, "mlat": slat / n, "mlong": slong / n}
            for (cy, cx), (n, slat, slong) in found.items() if n > 0]

