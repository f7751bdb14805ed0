"""Requests in a known place and time for insights tests, on the shared test world (civicdesk.testing.world)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from civicdesk.catalog.models import Status
from civicdesk.servicerequests.models import ServiceRequest

# A point inside West Elm, in the middle of a 0.005° grid cell.
SPOT = (3.0026, 2.5026)


def file_many(world, service_type, count: int, *, days_ago: float, lat: float = SPOT[0], long: float = SPOT[1],
              department=None, address: str = "12 Oak Street", now=None, district=None) -> list[ServiceRequest]:
    """`count` requests of `service_type` at (lat, long), `days_ago` days before `now`, a minute apart."""
    now = now or timezone.now()
    status = Status.objects.get(code="submitted")
    rows = [ServiceRequest(jurisdiction=world.elm, service_type=service_type, status=status, lat=lat, long=long,
                           address=address, department=department, district=district or world.west,
                           requested_at=now - dt.timedelta(days=days_ago, minutes=n),
                           is_private=service_type.is_private,
                           contact_email="rita@example.org")
            for n in range(count)]
    return ServiceRequest.objects.bulk_create(rows)


def cluster(world, now=None, count: int = 8):
    """A cluster of potholes (Public Works) in the last few days, with a quiet history."""
    file_many(world, world.pothole, 2, days_ago=40, department=world.public_works, now=now)
    return file_many(world, world.pothole, count, days_ago=2, department=world.public_works, now=now)
