"""Open public reports near a spot on the location map, so residents see a duplicate before pinning."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from civicdesk.lib.geo import distance_m
from civicdesk.servicerequests.models import ServiceRequest

#: How far around the map's centre reports are shown, and how many at most (nearest first).
RADIUS_M = 400
LIMIT = 30


@dataclass
class NearbyReport:
    """Only what the public tracking page already shows: no description, contact or reporter."""

    tracking_number: str
    category: str
    status: str
    lat: float
    long: float
    distance_m: int
    url: str

    def as_public_json(self) -> dict:
        return asdict(self)


def open_reports_near(*, lat: float, long: float, radius_m: float | None = None,
                      limit: int | None = None) -> list[NearbyReport]:
    """Open public requests (not merged into another) within `radius_m` (RADIUS_M) of the point, nearest
    first, at most `limit` (LIMIT).

    Position and distance are the public ones (`ServiceRequest.public_point()`): a request of a sensitive type
    is found, placed and measured by its snapped point, so moving the map cannot narrow down where it is."""
    radius_m = RADIUS_M if radius_m is None else radius_m
    limit = LIMIT if limit is None else limit
    rows = (ServiceRequest.objects.public().open().filter(duplicate_of__isnull=True)
            .near_public(lat, long, radius_m)
            .select_related("service_type", "status").order_by("-requested_at")[:500])
    found = []
    for sr in rows:
        public_lat, public_long = sr.public_point()
        metres = distance_m(lat, long, public_lat, public_long)
        if metres <= radius_m:
            found.append(NearbyReport(sr.public_id, sr.service_type.name, sr.status.name, round(public_lat, 6),
                                      round(public_long, 6), round(metres), sr.get_absolute_url()))
    found.sort(key=lambda report: report.distance_m)
    return found[:limit]

