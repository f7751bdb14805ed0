"""Demo inspections: the fence permit needs one before its decision, by Public Works; the inspector's times next
week (every working day, 9:00 and 13:00, two places each); one of the demo resident's applications booked."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from .models import Booking, InspectionRule, Slot
from .services import book


def seed(fence, *, department, inspector, applicant=None, now: dt.datetime | None = None) -> str:
    """Idempotent: nothing is added when the fence permit already has its rule."""
    if InspectionRule.objects.filter(application_type=fence).exists():
        return "already there"
    decision = [step for step in fence.ordered_steps() if step.kind == "decision"][-1]
    InspectionRule.objects.create(application_type=fence, department=department, before_step=decision)
    now = now or timezone.now()
    tz = department.jurisdiction.tz
    today = now.astimezone(tz).date()
    monday = today + dt.timedelta(days=7 - today.weekday())
    slots = [Slot.objects.create(department=department, inspector=inspector, capacity=2,
                                 starts_at=dt.datetime.combine(monday + dt.timedelta(days=day), dt.time(hour), tzinfo=tz),
                                 ends_at=dt.datetime.combine(monday + dt.timedelta(days=day), dt.time(hour + 2),
                                                             tzinfo=tz))
             for day in range(5) for hour in (9, 13)]
    booked = 0
    if applicant is not None:
        application = (fence.applications.filter(applicant=applicant, status="submitted").order_by("id").first())
        if application is not None:
            book(application, user=applicant, slot=slots[0])
            booked = 1
    return f"{len(slots)} inspection times next week, {booked} booked ({Booking.objects.count()} in all)"
