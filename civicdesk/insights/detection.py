"""Finding hotspots, spikes and repeat locations in the requests, in a few aggregate queries.

Every count is made by the database (GROUP BY grid cell, district or address over the last `window_days +
baseline_days` of requests, read through an index on `requested_at`), so the work in Python grows with the
number of places that had requests, not with the number of requests. The statistics are in stats.py and
docs/insights.md. `detect()` finds; `services.store_findings()` turns findings into Hotspot rows.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Avg, Count, F, Max, Q
from django.db.models.functions import Floor, Lower
from django.utils import timezone

from civicdesk.servicerequests.models import ServiceRequest

from .stats import benjamini_hochberg, poisson_sf


@dataclass(frozen=True)
class Thresholds:
    """What counts as a hotspot; the defaults are the ones docs/insights.md states."""

    #: Side of a grid cell in degrees (0.005° is about 555 m north–south, 425 m east–west at 40° N).
    cell_degrees: float = 0.005
    #: The recent window and the baseline just before it.
    window_days: int = 14
    baseline_days: int = 84
    #: Benjamini–Hochberg false discovery rate over the groups tested in one run (per kind of insight).
    alpha: float = 0.01
    #: Never a hotspot below this many reports in the window, nor below this many times the expected count.
    min_count: int = 5
    min_ratio: float = 1.5
    #: Pseudo-reports added to every baseline, so a place with no history expects a little, not nothing.
    prior_count: float = 1.0
    #: Repeat locations: at least `repeat_min` reports of one kind at one address (or ~25 m point) within
    #: `repeat_days`; the `repeat_top` busiest per jurisdiction and kind of problem.
    repeat_days: int = 28
    repeat_min: int = 3
    repeat_top: int = 20
    point_degrees: float = 0.00025


DEFAULT_THRESHOLDS = Thresholds()


@dataclass
class Finding:
    """One group that passed its test, before it becomes a Hotspot row."""

    kind: str
    jurisdiction_id: int
    department_id: int | None
    service_type_id: int
    key: str
    observed: int
    baseline: int = 0
    expected: float | None = None
    p_value: float | None = None
    q_value: float | None = None
    district_id: int | None = None
    label: str = ""
    lat: float | None = None
    long: float | None = None
    bounds: tuple[float, float, float, float] | None = None  # south, west, north, east

    def identity(self) -> tuple:
        return (self.kind, self.jurisdiction_id, self.department_id, self.service_type_id, self.key)


@dataclass
class Detection:
    """What one call of detect() found, and over which window."""

    now: dt.datetime
    window_start: dt.datetime
    baseline_start: dt.datetime
    repeat_start: dt.datetime
    findings: list[Finding] = field(default_factory=list)
    tested: int = 0


def expected_count(baseline: int, thresholds: Thresholds) -> float:
    """The count the window should hold from the group's own baseline: (baseline + prior) scaled from the
    baseline's length to the window's."""
    return (baseline + thresholds.prior_count) * thresholds.window_days / thresholds.baseline_days


def _test(groups: list[tuple[tuple, int, int]], thresholds: Thresholds) -> list[tuple[tuple, int, int, float,
                                                                                   float, float]]:
    """Poisson test of each (key, observed, baseline), Benjamini–Hochberg over all of them; the groups that pass
    the adjusted p-value, the minimum count and the minimum ratio, with (expected, p, q)."""
    expected = [expected_count(baseline, thresholds) for _key, _observed, baseline in groups]
    p_values = [poisson_sf(observed, lam) if observed >= thresholds.min_count else 1.0
                for (_key, observed, _baseline), lam in zip(groups, expected)]
    q_values = benjamini_hochberg(p_values)
    passed = []
    for (key, observed, baseline), lam, p, q in zip(groups, expected, p_values, q_values):
        if q <= thresholds.alpha and observed >= thresholds.min_count and observed >= thresholds.min_ratio * lam:
            passed.append((key, observed, baseline, lam, p, q))
    return passed


def detect(now: dt.datetime | None = None, thresholds: Thresholds = DEFAULT_THRESHOLDS,
           jurisdiction_ids: list[int] | None = None) -> Detection:
    """Find hotspot cells, district and city-wide spikes and repeat locations as of `now` (default: now).

    The window is [now - window_days, now); the baseline the `baseline_days` before it. Every request counts,
    duplicates and private ones included (staff see them all; the page filters by viewer). Nothing is written.
    """
    now = now or timezone.now()
    window_start = now - dt.timedelta(days=thresholds.window_days)
    baseline_start = window_start - dt.timedelta(days=thresholds.baseline_days)
    repeat_start = now - dt.timedelta(days=thresholds.repeat_days)
    result = Detection(now, window_start, baseline_start, repeat_start)
    scope = ServiceRequest.objects.filter(requested_at__gte=baseline_start, requested_at__lt=now)
    if jurisdiction_ids is not None:
        scope = scope.filter(jurisdiction_id__in=jurisdiction_ids)
    # Counting a column of the detection index (not the primary key) lets the database answer from the index alone.
    recent = Count("requested_at", filter=Q(requested_at__gte=window_start))
    before = Count("requested_at", filter=Q(requested_at__lt=window_start))
    result.tested += _cells(result, scope, recent, before, thresholds)
    result.tested += _areas(result, scope, recent, before, thresholds)
    _repeats(result, scope.filter(requested_at__gte=repeat_start), thresholds)
    return result


GROUP = ("jurisdiction_id", "department_id", "service_type_id")


def _cells(result: Detection, scope, recent, before, thresholds: Thresholds) -> int:
    size = thresholds.cell_degrees
    rows = (scope.annotate(cell_row=Floor(F("lat") / size), cell_col=Floor(F("long") / size))
            .values(*GROUP, "cell_row", "cell_col").annotate(recent=recent, before=before).order_by())
    groups = [((r["jurisdiction_id"], r["department_id"], r["service_type_id"], int(r["cell_row"]),
                int(r["cell_col"])), r["recent"], r["before"]) for r in rows]
    flagged = []
    for key, observed, baseline, lam, p, q in _test(groups, thresholds):
        jurisdiction_id, department_id, type_id, row, col = key
        south, west = row * size, col * size
        flagged.append(Finding("cell", jurisdiction_id, department_id, type_id, f"{row}:{col}", observed, baseline,
                               lam, p, q, lat=round(south + size / 2, 6), long=round(west + size / 2, 6),
                               bounds=(south, west, south + size, west + size)))
    _describe_cells(flagged, scope.filter(requested_at__gte=result.window_start), size)
    result.findings.extend(flagged)
    return len(groups)


#: Flagged cells described per query (each adds one OR'd box to its WHERE clause).
DESCRIBE_CHUNK = 100


def _describe_cells(findings: list[Finding], window, size: float) -> None:
    """Each flagged cell's most reported address (its label, "around …") and most common district, in one query
    per DESCRIBE_CHUNK cells: the window's requests of the flagged kinds in the flagged rows and columns of the
    grid, grouped by cell, district and address (one range scan over the window, not one per cell); groups of
    cells that were not flagged are read and dropped."""
    for start in range(0, len(findings), DESCRIBE_CHUNK):
        chunk = findings[start:start + DESCRIBE_CHUNK]
        # Conditions on computed cells, not on columns: the database then reads the window through its
        # requested_at range (the detection index) instead of an OR of per-cell look-ups (SQLite without
        # statistics picks one index per OR term, and a per-cell range costs as much as the whole window).
        rows = (window.annotate(cell_row=Floor(F("lat") / size), cell_col=Floor(F("long") / size),
                                type_key=F("service_type_id") + 0)
                .filter(type_key__in={f.service_type_id for f in chunk},
                        cell_row__in={int(f.key.split(":")[0]) for f in chunk},
                        cell_col__in={int(f.key.split(":")[1]) for f in chunk})
                .values(*GROUP, "cell_row", "cell_col", "district_id", "address").annotate(n=Count("pk")).order_by())
        by_address: dict[tuple, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        by_district: dict[tuple, dict[int | None, int]] = defaultdict(lambda: defaultdict(int))
        for row in rows:
            identity = ("cell", row["jurisdiction_id"], row["department_id"], row["service_type_id"],
                        f"{int(row['cell_row'])}:{int(row['cell_col'])}")
            if row["address"]:
                by_address[identity][row["address"]] += row["n"]
            by_district[identity][row["district_id"]] += row["n"]
        for f in chunk:
            addresses, districts = by_address.get(f.identity()), by_district.get(f.identity())
            if addresses:
                f.label = min(addresses, key=lambda a: (-addresses[a], a))[:255]
            if districts:
                f.district_id = min(districts, key=lambda d: (-districts[d], d or 0))


def _areas(result: Detection, scope, recent, before, thresholds: Thresholds) -> int:
    """District spikes and city-wide spikes from one query grouped by district (the city sums its districts)."""
    rows = list(scope.values(*GROUP, "district_id").annotate(recent=recent, before=before).order_by())
    districts = [((r["jurisdiction_id"], r["department_id"], r["service_type_id"], r["district_id"]), r["recent"],
                  r["before"]) for r in rows if r["district_id"] is not None]
    city: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    for r in rows:
        totals = city[(r["jurisdiction_id"], r["department_id"], r["service_type_id"])]
        totals[0] += r["recent"]
        totals[1] += r["before"]
    cities = [(key, observed, baseline) for key, (observed, baseline) in city.items()]
    for key, observed, baseline, lam, p, q in _test(districts, thresholds):
        jurisdiction_id, department_id, type_id, district_id = key
        result.findings.append(Finding("district", jurisdiction_id, department_id, type_id, str(district_id),
                                       observed, baseline, lam, p, q, district_id=district_id))
    for key, observed, baseline, lam, p, q in _test(cities, thresholds):
        jurisdiction_id, department_id, type_id = key
        result.findings.append(Finding("city", jurisdiction_id, department_id, type_id, "", observed, baseline,
                                       lam, p, q))
    return len(districts) + len(cities)


def _repeats(result: Detection, window, thresholds: Thresholds) -> None:
    """Addresses (or ~25 m points, for pins without an address) reported at least `repeat_min` times."""
    found: dict[tuple, list[Finding]] = defaultdict(list)
    addressed = (window.exclude(address="").values(*GROUP, place=Lower("address"))
                 .annotate(n=Count("pk"), any_address=Max("address"), any_district=Max("district_id"),
                           mean_lat=Avg("lat"), mean_long=Avg("long"))
                 .filter(n__gte=thresholds.repeat_min).order_by())
    for r in addressed:
        finding = Finding("repeat", r["jurisdiction_id"], r["department_id"], r["service_type_id"],
                          f"a:{r['place']}"[:300], r["n"], label=r["any_address"][:255],
                          district_id=r["any_district"], lat=round(r["mean_lat"], 6), long=round(r["mean_long"], 6))
        found[(r["jurisdiction_id"], r["service_type_id"])].append(finding)
    size = thresholds.point_degrees
    pinned = (window.filter(address="").annotate(cell_row=Floor(F("lat") / size), cell_col=Floor(F("long") / size))
              .values(*GROUP, "cell_row", "cell_col")
              .annotate(n=Count("pk"), any_district=Max("district_id"))
              .filter(n__gte=thresholds.repeat_min).order_by())
    for r in pinned:
        row, col = int(r["cell_row"]), int(r["cell_col"])
        south, west = row * size, col * size
        finding = Finding("repeat", r["jurisdiction_id"], r["department_id"], r["service_type_id"], f"p:{row}:{col}",
                          r["n"], district_id=r["any_district"], lat=round(south + size / 2, 6),
                          long=round(west + size / 2, 6), bounds=(south, west, south + size, west + size))
        found[(r["jurisdiction_id"], r["service_type_id"])].append(finding)
    for findings in found.values():
        findings.sort(key=lambda f: (-f.observed, f.key))
        result.findings.extend(findings[:thresholds.repeat_top])


def cluster_found(cluster: dict, hotspot_bounds: tuple[float, float, float, float]) -> bool:
    """True when a flagged cell (south, west, north, east) overlaps an injected cluster's circle (see
    datasets.generator: {"lat", "long", "radius_m", ...})."""
    south, west, north, east = hotspot_bounds
    lat, long = cluster["lat"], cluster["long"]
    nearest_lat = min(max(lat, south), north)
    nearest_long = min(max(long, west), east)
    metres = math.hypot((lat - nearest_lat) * 111_000,
                        (long - nearest_long) * 111_000 * math.cos(math.radians(lat)))
    return metres <= cluster["radius_m"]
