"""Requests for report tests, made straight in the database with the times a test needs."""

from __future__ import annotations

import datetime as dt
import math
import random
import zoneinfo

from civicdesk.catalog.models import ServiceType, Status
from civicdesk.servicerequests.models import ServiceRequest

CHICAGO = zoneinfo.ZoneInfo("America/Chicago")
#: The month most tests report on: ended long ago, so the "month has not ended" guard never bites.
MONTH = dt.date(2026, 10, 1)
#: Contact details that must never appear in a report, its PDF, CSV or feed.
CANARY = {"contact_name": "Canary Zebulon", "contact_email": "canary.zebulon@example.org",
          "contact_phone": "+13125550199", "description": "CANARYTEXT lives at 99 Secret Lane",
          "address": "99 Secret Lane"}


def local(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=CHICAGO)


def make_request(world, *, requested_at, closed_at=None, service_type=None, department="public_works",
                 jurisdiction=None, sla: bool = True, private: bool = False, **fields) -> ServiceRequest:
    """A request of `world.elm` (Public Works, pothole unless told) with exact times; SLA due 2 days later."""
    service_type = service_type or world.pothole
    status = Status.objects.filter(kind="closed" if closed_at else "open").order_by("order").first()
    return ServiceRequest.objects.create(
        jurisdiction=jurisdiction or world.elm, service_type=service_type, status=status,
        is_open=closed_at is None, lat=3.0, long=2.5,
        department=getattr(world, department) if isinstance(department, str) else department,
        requested_at=requested_at, closed_at=closed_at, is_private=private,
        expected_at=requested_at + dt.timedelta(days=2) if sla else None, **fields)


def sensitive_type(world) -> ServiceType:
    found = world.extra.get("rodents")
    if found is None:
        found = world.extra["rodents"] = ServiceType.objects.create(code="rodents", name="Rodents", name_es="Roedores",
                                                                    is_sensitive=True, group=world.pothole.group)
    return found


def busy_month(world, *, seed: int = 12, count: int = 160) -> None:
    """Random requests across Sep 2026, Oct 2026 and Oct 2025 of several kinds, departments, SLAs, and privacy."""
    rng = random.Random(seed)
    kinds = [world.pothole, world.garbage, world.graffiti, world.records, sensitive_type(world)]
    departments = ["public_works", "sanitation", None]
    for _ in range(count):
        year, month = rng.choice([(2026, 10), (2026, 10), (2026, 9), (2025, 10), (2026, 8)])
        requested = local(year, month, rng.randint(1, 28), rng.randint(0, 23), rng.randint(0, 59))
        closed = None
        if rng.random() < 0.75:
            closed = requested + dt.timedelta(hours=rng.randint(1, 24 * 20), minutes=rng.randint(0, 59))
        make_request(world, requested_at=requested, closed_at=closed, service_type=rng.choice(kinds),
                     department=rng.choice(departments), sla=rng.random() < 0.7, private=rng.random() < 0.08,
                     **CANARY)


# --- the independent computation: plain Python over every row, no ORM aggregation ---------------------

def month_of(moment: dt.datetime) -> tuple[int, int]:
    here = moment.astimezone(CHICAGO)
    return here.year, here.month


def public_rows(world) -> list[ServiceRequest]:
    rows = ServiceRequest.objects.filter(jurisdiction=world.elm).select_related("service_type", "department")
    return [r for r in rows if not r.is_private and not r.service_type.is_private]


def rank_value(values: list[float], percentile: int) -> float | None:
    """Nearest rank, written from its textbook definition: the ⌈p/100 · n⌉-th smallest value."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[math.ceil(percentile / 100 * len(ordered)) - 1]


def days_between(row: ServiceRequest) -> float:
    return (row.closed_at - row.requested_at).total_seconds() / 86400
