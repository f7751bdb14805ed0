"""Where is this? Point to jurisdiction and district, addresses to points, and routing."""

from __future__ import annotations

import math
from dataclasses import dataclass
from threading import Lock

from django.db.models import Count, ExpressionWrapper, F, FloatField, Max, Value

from civicdesk.lib import config_cache, geo
from civicdesk.lib.compiled import CompiledQuery

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
_ADDRESS_COLUMNS = [field.attname for field in AddressPoint._meta.concrete_fields]


def _nearest_addresses(min_lat: float, max_lat: float, min_long: float, max_long: float, lat: float, long: float,
                       scale2: float):
    """The address points of the box, nearest `(lat, long)` first on the flat measure (`scale2`: the square of
    the cosine of the latitude, a degree of longitude's share of a degree of latitude, squared)."""
    flat = ((F("lat") - Value(lat)) * (F("lat") - Value(lat))
            + (F("long") - Value(long)) * (F("long") - Value(long)) * Value(scale2))
    return (AddressPoint.objects
            .filter(lat__gte=min_lat, lat__lte=max_lat, long__gte=min_long, long__lte=max_long)
            .annotate(flat=ExpressionWrapper(flat, output_field=FloatField())).order_by("flat", "pk")
            .values_list(*_ADDRESS_COLUMNS)[:NEAREST_ADDRESS_CANDIDATES])


# Every pin dropped on the report form asks: compiled once per process (building it cost more than running it).
_NEAREST_ADDRESSES = CompiledQuery(_nearest_addresses, min_lat=float, max_lat=float, min_long=float,
                                   max_long=float, lat=float, long=float, scale2=float)


def nearest_address(lat: float, long: float, *, within_m: float = 75) -> AddressPoint | None:
    """The address point closest to the pin, if one lies within `within_m` metres.

    The database orders the points in the pin's box by a flat distance and returns the few nearest, so a
    dense block (an apartment tower lists every unit) costs a sort in SQL, not a model per point in Python;
    the nearest of those along the earth wins."""
    min_lat, max_lat, min_long, max_long = geo.bbox(lat, long, within_m)
    scale = math.cos(math.radians(lat))
    rows = _NEAREST_ADDRESSES.rows(min_lat=min_lat, max_lat=max_lat, min_long=min_long, max_long=max_long,
                                   lat=float(lat), long=float(long), scale2=scale * scale)
    lat_at, long_at = _ADDRESS_COLUMNS.index("lat"), _ADDRESS_COLUMNS.index("long")
    best, best_dist = None, within_m
    for row in rows:
        dist = geo.distance_m(lat, long, row[lat_at], row[long_at])
        if dist <= best_dist and (best is None or dist < best_dist):
            best, best_dist = row, dist
    return None if best is None else AddressPoint.from_db(None, _ADDRESS_COLUMNS, best)
