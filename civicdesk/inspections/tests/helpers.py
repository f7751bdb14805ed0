"""The fence permit with an inspection by Public Works (bob's department) before the decision, and slots."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from civicdesk.applications import fees
from civicdesk.applications import services as app_services
from civicdesk.applications.demo import submitted_fence
from civicdesk.applications.tests.helpers import fence_type, tick_all
from civicdesk.inspections import services
from civicdesk.inspections.models import InspectionRule


def inspected_fence(world):
    """The fence permit type, needing a passed inspection by Public Works before the decision."""
    kind = fence_type(world)
    decision = next(step for step in kind.ordered_steps() if step.kind == "decision")
    InspectionRule.objects.create(application_type=kind, department=world.public_works, before_step=decision)
    return kind


def slot(world, *, days: int = 2, capacity: int = 1, hour: int = 9):
    """A slot of bob's (Public Works) in `days` days at `hour` o'clock, Elm time."""
    day = timezone.now().astimezone(world.elm.tz).date() + dt.timedelta(days=days)
    starts = dt.datetime.combine(day, dt.time(hour), tzinfo=world.elm.tz)
    return services.add_slot(user=world.bob, department=world.public_works, starts_at=starts,
                             ends_at=starts + dt.timedelta(hours=1), capacity=capacity)


def at_decision(kind, world, admin):
    """A submitted fence application, fee waived, walked to the decision step."""
    application = submitted_fence(kind, world.alice)
    fees.waive(application, user=admin, reason="Test")
    application.refresh_from_db()
    for reviewer in (admin, world.bob, world.carol):
        tick_all(application, reviewer)
        app_services.complete_step(application, user=reviewer)
    return application
