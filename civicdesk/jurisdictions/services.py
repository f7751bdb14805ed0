"""Where is this? Point to jurisdiction and district, addresses to points, and routing."""

from __future__ import annotations

import math
from dataclasses import dataclass
from threading import Lock

from django.db.models import Count, ExpressionWrapper, F, FloatField, Max, Value

from civicdesk.lib import config_cache, geo

from . import addresses
from .models import AddressPoint, Department, District, Holiday, Jurisdiction

config_cache.clear_on_change(Jurisdiction, District, Holiday, Department)

_cache: dict[str, tuple[tuple, geo.AreaIndex]] = {}
_cache_lock = Lock()


def _index(name: str, version: tuple, build) -> geo.AreaIndex:
    """A per-process AreaIndex, rebuilt when `version` (row count, last change) moves."""
    with _cache_lock:
        cached = _cache.get(name)
        if cached and cached[0] == version:
            return cached[1]
    index = build()
    with _cache_lock:
        _cache[name] = (version, index)
    return index


def _jurisdiction_index() -> geo.AreaIndex:
    version = tuple(Jurisdiction.objects.filter(is_active=True).aggregate(n=Count("id"), t=Max("updated_at")).values())
    return _index("jurisdictions", version, lambda: geo.AreaIndex(
        Jurisdiction.objects.filter(is_active=True).values_list("id", "boundary")))


def _district_index() -> geo.AreaIndex:
    version = tuple(District.objects.aggregate(n=Count("id"), m=Max("id")).values())
    return _index("districts", version, lambda: geo.AreaIndex(
        ((pk, juris), boundary) for pk, juris, boundary in District.objects.values_list("id", "jurisdiction_id", "boundary")))


def clear_caches() -> None:
    """Forget cached boundary indexes and configuration (tests, after bulk boundary edits)."""
    with _cache_lock:
        _cache.clear()
    config_cache.clear()


@dataclass
class Location:
    jurisdiction: Jurisdiction | None
    district: District | None


def locate(lat: float, long: float) -> Location:
    """The jurisdiction (smallest boundary holding the point) and its district, or Nones.

    Boundary indexes and the rows found are cached per process (civicdesk/lib/config_cache.py):
    the returned objects are shared, so treat them as read-only.
    """
    hits = config_cache.cached("jurisdiction_index", _jurisdiction_index).containing(lat, long)
    if not hits:
        return Location(None, None)
    jurisdiction = config_cache.cached(("jurisdiction", hits[0]), lambda: Jurisdiction.objects.get(pk=hits[0]))
    district_id = next((pk for pk, juris in config_cache.cached("district_index", _district_index)
                        .containing(lat, long) if juris == jurisdiction.pk), None)
    district = config_cache.cached(("district", district_id), lambda: District.objects.get(pk=district_id)) \
        if district_id else None
    return Location(jurisdiction, district)


def business_calendar(jurisdiction: Jurisdiction):
    """jurisdiction.calendar() (hours and holidays), cached per process."""
    return config_cache.cached(("calendar", jurisdiction.pk), jurisdiction.calendar)


def lookup_address(text: str):
    """A typed address matched without guessing: see civicdesk/jurisdictions/addresses.py."""
    return addresses.lookup_address(text)


#: Address points nearest the pin on the flat (equirectangular) measure that are read to find the nearest one
#: along the earth: within a few hundred metres the two orders differ only between near-ties.
NEAREST_ADDRESS_CANDIDATES = 8


def nearest_address(lat: float, long: float, *, within_m: float = 75) -> AddressPoint | None:
    """The address point closest to the pin, if one lies within `within_m` metres.

    The database orders the points in the pin's box by a flat distance and returns the few nearest, so a
    dense block (an apartment tower lists every unit) costs a sort in SQL, not a model per point in Python;
    the nearest of those along the earth wins."""
    min_lat, max_lat, min_long, max_long = geo.bbox(lat, long, within_m)
    scale = math.cos(math.radians(lat))
    flat = ((F("lat") - Value(lat)) * (F("lat") - Value(lat))
            + (F("long") - Value(long)) * (F("long") - Value(long)) * Value(scale * scale))
    nearby = (AddressPoint.objects
              .filter(lat__gte=min_lat, lat__lte=max_lat, long__gte=min_long, long__lte=max_long)
              .annotate(flat=ExpressionWrapper(flat, output_field=FloatField())).order_by("flat", "pk"))
    best, best_dist = None, within_m
    for point in nearby[:NEAREST_ADDRESS_CANDIDATES]:
        dist = geo.distance_m(lat, long, point.lat, point.long)
        if dist <= best_dist and (best is None or dist < best_dist):
            best, best_dist = point, dist
    return best
