"""What the generator and the importer share: places found in bulk, routing and SLA due times computed
once per distinct case, and the status lifecycle as plain ids."""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from django.db import connection

from civicdesk.catalog.models import RoutingRule, ServiceType, Status
from civicdesk.catalog.services import route
from civicdesk.jurisdictions.models import District, Jurisdiction
from civicdesk.lib import geo

UTC = dt.timezone.utc


class Locator:
    """Finds the jurisdiction (the smallest holding a point) and its district for many points at once.

    The same rule as `jurisdictions.services.locate()`, vectorised with
    shapely so a batch of 50,000 points costs one tree query.
    `jurisdictions` limits the candidates (default: every active one).
    """

    def __init__(self, jurisdictions: Sequence[Jurisdiction] | None = None):
        chosen = list(jurisdictions) if jurisdictions is not None else list(Jurisdiction.objects.filter(is_active=True))
        self.jurisdictions = {j.pk: j for j in chosen}
        self._j_keys, self._j_shapes = _shapes((j.pk, j.boundary) for j in chosen)
        self._j_tree = shapely.STRtree(self._j_shapes) if self._j_shapes else None
        self._j_area = [s.area for s in self._j_shapes]
        districts = District.objects.filter(jurisdiction__in=[j.pk for j in chosen])
        self._d_keys, self._d_shapes = _shapes(((d.pk, d.jurisdiction_id), d.boundary) for d in districts)
        self._d_tree = shapely.STRtree(self._d_shapes) if self._d_shapes else None
        self._d_area = [s.area for s in self._d_shapes]
        self._d_ids = [district_id for district_id, _jurisdiction_id in self._d_keys]
        self._d_jurisdictions = np.array([jurisdiction_id for _district_id, jurisdiction_id in self._d_keys],
                                         dtype=object)
        self.all_active = jurisdictions is None

    def locate_many(self, lats: Sequence[float], longs: Sequence[float]) -> list[tuple[int | None, int | None]]:
        """(jurisdiction id, district id) per point; (None, None) outside every boundary.

        Points must be finite numbers (callers check them first).
        """
        count = len(lats)
        result: list[tuple[int | None, int | None]] = [(None, None)] * count
        if not count or self._j_tree is None:
            return result
        points = shapely.points(np.asarray(longs, dtype=float), np.asarray(lats, dtype=float))
        best_j = _smallest(self._j_tree.query(points, predicate="covered_by"), self._j_area, self._j_keys, count)
        best_d = np.full(count, None, dtype=object)
        if self._d_tree is not None:
            pairs = self._d_tree.query(points, predicate="covered_by")
            # Only districts of the jurisdiction each point was placed in.
            of_point = self._d_jurisdictions[pairs[1]] == best_j[pairs[0]]
            best_d = _smallest(pairs[:, of_point.astype(bool)], self._d_area, self._d_ids, count)
        return list(zip(best_j.tolist(), best_d.tolist()))

    def random_points(self, jurisdiction: Jurisdiction, count: int, rng) -> list[tuple[float, float, int | None]]:
        """Up to `count` random (lat, long, district id) inside `jurisdiction` and no smaller one inside it."""
        boundary = geo.shape(jurisdiction.boundary)
        min_long, min_lat, max_long, max_lat = boundary.bounds
        found: list[tuple[float, float, int | None]] = []
        for _attempt in range(50):
            lats = [rng.uniform(min_lat, max_lat) for _ in range(count)]
            longs = [rng.uniform(min_long, max_long) for _ in range(count)]
            for lat, long, (j, d) in zip(lats, longs, self.locate_many(lats, longs)):
                if j == jurisdiction.pk:
                    found.append((round(lat, 6), round(long, 6), d))
            if len(found) >= count:
                break
        return found[:count]


def _smallest(pairs: np.ndarray, areas: list[float], keys: list, count: int) -> np.ndarray:
    """For each of `count` points, the key of the smallest-area shape among the (point, shape) index `pairs`
    (an STRtree query's answer); None for a point in no pair. Of shapes with equal areas the first one in
    `pairs` wins. An object array of keys."""
    best = np.full(count, None, dtype=object)
    if not pairs.shape[1]:
        return best
    point_index, shape_index = pairs
    order = np.lexsort((np.asarray(areas, dtype=float)[shape_index], point_index))  # stable: ties keep their order
    ordered_points = point_index[order]
    first = np.ones(len(order), dtype=bool)
    first[1:] = ordered_points[1:] != ordered_points[:-1]
    winners = order[first]
    best[point_index[winners]] = np.array(keys, dtype=object)[shape_index[winners]]
    return best


def _shapes(items) -> tuple[list, list]:
    keys, shapes = [], []
    for key, boundary in items:
        try:
            shape = geo.shape(boundary)
        except ValueError:
            continue  # an invalid boundary is refused by validation; never fail a load on one
        shapely.prepare(shape)
        keys.append(key)
        shapes.append(shape)
    return keys, shapes


@dataclass(frozen=True)
class Route:
    """A routing decision as plain values, ready for a row."""

    department_id: int | None
    team_id: int | None
    assignee_id: int | None
    rule_id: int | None
    note: str


class RouteCache:
    """`catalog.services.route()` run once per distinct case instead of once per request.

    A case is (jurisdiction, service type, district) plus, when the
    jurisdiction has rules with a drawn area, which of those areas hold the
    point: nothing else in a rule depends on the point, so every request
    sharing a case gets the same decision route() would give it.
    """

    def __init__(self, jurisdictions: Sequence[Jurisdiction]):
        self.jurisdictions = {j.pk: j for j in jurisdictions}
        self._areas: dict[int, list] = {j.pk: [] for j in jurisdictions}
        for rule in RoutingRule.objects.filter(jurisdiction__in=list(self.jurisdictions), is_active=True) \
                .exclude(area=None).order_by("pk"):
            try:
                shape = geo.shape(rule.area)
            except ValueError:
                continue
            self._areas[rule.jurisdiction_id].append(shape)
        self._decisions: dict[tuple, Route] = {}

    def decide(self, *, jurisdiction_id: int, service_type: ServiceType, district_id: int | None, lat: float,
               long: float, type_id: int | None = None) -> Route:
        """The decision for a request of `service_type` (whose pk `type_id` may be passed) at the point."""
        areas = self._areas.get(jurisdiction_id) or ()
        inside = tuple(area.covers(shapely.Point(long, lat)) for area in areas) if areas else ()
        key = (jurisdiction_id, type_id if type_id is not None else service_type.pk, district_id, inside)
        decision = self._decisions.get(key)
        if decision is None:
            made = route(jurisdiction=self.jurisdictions[jurisdiction_id], service_type=service_type, lat=lat,
                         long=long, district_id=district_id)
            decision = self._decisions[key] = Route(made.department_id, made.team_id, made.assignee_id,
                                                    made.rule.pk if made.rule else None, made.note[:255])
        return decision

    def decide_many(self, jurisdiction_ids: np.ndarray, types: Sequence[ServiceType], type_index: np.ndarray,
                    district_ids: np.ndarray, lats: np.ndarray, longs: np.ndarray) -> tuple[list[Route], np.ndarray]:
        """decide() for many requests: (the distinct decisions, each request's index into them).

        A request's service type is `types[type_index[i]]`. Which drawn areas
        hold each point is computed with one vectorised shapely call per area.
        """
        count = len(jurisdiction_ids)
        inside: list[tuple] = [()] * count
        for jurisdiction_id, areas in self._areas.items():
            rows = np.flatnonzero(jurisdiction_ids == jurisdiction_id)
            if not areas or not len(rows):
                continue
            points = shapely.points(longs[rows], lats[rows])
            flags = np.column_stack([shapely.covers(area, points) for area in areas]).tolist()
            for row, flag in zip(rows.tolist(), flags):
                inside[row] = tuple(flag)
        decisions: list[Route] = []
        slots: dict[tuple, int] = {}
        index = np.empty(count, dtype=np.int64)
        keys = zip(jurisdiction_ids.tolist(), type_index.tolist(), np.asarray(district_ids).tolist(), inside)
        for row, key in enumerate(keys):
            slot = slots.get(key)
            if slot is None:
                service_type = types[key[1]]
                slot = slots[key] = len(decisions)
                decisions.append(self.decide(jurisdiction_id=key[0], service_type=service_type, district_id=key[2],
                                             lat=float(lats[row]), long=float(longs[row]), type_id=service_type.pk))
            index[row] = slot
        return decisions, index


class SlaClock:
    """SLA due times for many requests: `Jurisdiction.calendar().add_business_hours`, without walking days.

    For each jurisdiction the open spans of every day from `start` to `end`
    (epoch seconds) are listed once with a running total of open seconds, so
    a due time is two binary searches. Instants outside that range are
    computed by the calendar itself; the answers are the same.
    """

    def __init__(self, jurisdictions: Sequence[Jurisdiction], *, start: float, end: float):
        self.calendars = {j.pk: j.calendar() for j in jurisdictions}
        self.start, self.end = start, end
        self._spans: dict[int, tuple[list[float], list[float], list[float]] | None] = {}

    def due(self, jurisdiction_id: int, requested: float, hours: float | None) -> float | None:
        """The due instant (epoch seconds) of a request made at `requested`, or None without an SLA."""
        if not hours:
            return None
        spans = self._spans.get(jurisdiction_id, False)
        if spans is False:
            spans = self._spans[jurisdiction_id] = self._build(self.calendars[jurisdiction_id])
        if spans is None:  # no opening hours at all: the clock is the wall clock
            return requested + hours * 3600
        if not self.start <= requested <= self.end:
            return self._exact(jurisdiction_id, requested, hours)
        starts, ends, before = spans
        i = bisect.bisect_right(ends, requested)  # the first span ending after the request
        if i >= len(starts):
            return self._exact(jurisdiction_id, requested, hours)
        done = before[i] + max(0.0, requested - starts[i])
        target = done + hours * 3600
        j = bisect.bisect_left(before, target) - 1  # the last span starting at or before the target
        if j < i or j >= len(starts) or target > before[j] + (ends[j] - starts[j]):
            return self._exact(jurisdiction_id, requested, hours)
        return starts[j] + (target - before[j])

    def due_many(self, jurisdiction_ids: np.ndarray, requested: np.ndarray, hours: np.ndarray) -> np.ndarray:
        """due() for many requests at once, as whole epoch seconds (int64; `missing` where a type has no SLA)."""
        from .bulk import NO_TIME

        result = np.full(len(requested), NO_TIME, dtype=np.int64)
        for jurisdiction_id in np.unique(jurisdiction_ids).tolist():
            rows = np.flatnonzero((jurisdiction_ids == jurisdiction_id) & (hours > 0))
            if not len(rows):
                continue
            self.due(jurisdiction_id, float(requested[rows[0]]), float(hours[rows[0]]))  # builds the spans
            spans = self._spans[jurisdiction_id]
            when, seconds = requested[rows].astype(float), hours[rows] * 3600
            if spans is None:
                result[rows] = (when + seconds).astype(np.int64)
                continue
            starts, ends, before = (np.asarray(values, dtype=float) for values in spans)
            i = np.searchsorted(ends, when, side="right")
            ok = (self.start <= when) & (when <= self.end) & (i < len(starts))
            i = np.minimum(i, len(starts) - 1)
            target = before[i] + np.maximum(0.0, when - starts[i]) + seconds
            j = np.searchsorted(before, target, side="left") - 1
            ok &= (j >= i) & (j < len(starts))
            j = np.clip(j, 0, len(starts) - 1)
            ok &= target <= before[j] + (ends[j] - starts[j])
            due = starts[j] + (target - before[j])
            for n in np.flatnonzero(~ok).tolist():  # outside the listed spans: the calendar itself
                due[n] = self._exact(jurisdiction_id, when[n], hours[rows[n]])
            result[rows] = due.astype(np.int64)
        return result

    def _exact(self, jurisdiction_id: int, moment: float, hours: float) -> float:
        start = dt.datetime.fromtimestamp(moment, UTC)
        return self.calendars[jurisdiction_id].add_business_hours(start, hours).timestamp()

    def _build(self, calendar) -> tuple[list[float], list[float], list[float]] | None:
        if not calendar.hours:
            return None
        starts, ends, before = [], [], []
        total = 0.0
        day = dt.datetime.fromtimestamp(self.start, UTC).astimezone(calendar.tz).date() - dt.timedelta(days=1)
        last = dt.datetime.fromtimestamp(self.end, UTC).astimezone(calendar.tz).date() + dt.timedelta(days=500)
        while day <= last:
            if calendar.is_open_day(day):
                opening, closing = calendar._span(day)
                starts.append(opening.timestamp())
                ends.append(closing.timestamp())
                before.append(total)
                total += ends[-1] - starts[-1]
            day += dt.timedelta(days=1)
        return starts, ends, before


@dataclass
class StatusBook:
    """The configured statuses as ids: the initial one, the open and the closed ones by code."""

    initial: Status
    by_code: dict[str, Status]

    @classmethod
    def load(cls) -> StatusBook:
        """Raises Status.DoesNotExist when no initial status is configured."""
        return cls(Status.initial(), {s.code: s for s in Status.objects.all()})

    def open_codes(self) -> list[str]:
        return [code for code, s in self.by_code.items() if s.is_open and code != self.initial.code]

    def closed_codes(self) -> list[str]:
        return [code for code, s in self.by_code.items() if not s.is_open]

    def first_closed(self, preferred: Sequence[str] = ("fixed", "closed", "completed")) -> Status | None:
        """The closed status a plain "closed" maps to: the first of `preferred` configured, else the first
        closed status by order; None when no status is closed."""
        for code in preferred:
            if code in self.by_code and not self.by_code[code].is_open:
                return self.by_code[code]
        closed = sorted((s for s in self.by_code.values() if not s.is_open), key=lambda s: (s.order, s.code))
        return closed[0] if closed else None


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"
