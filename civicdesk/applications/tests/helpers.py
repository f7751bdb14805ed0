"""A fence permit in the test world's Town of Elm: intake (the town's administrators), a zoning review by
Public Works (bob's department), a right-of-way review by Sanitation (carol's), the decision by Public Works."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from civicdesk.applications import demo
from civicdesk.applications.models import ChecklistMark

CHICAGO = zoneinfo.ZoneInfo("America/Chicago")


def local(year: int, month: int, day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=CHICAGO)


def fence_type(world, **extra):
    return demo.build_fence_permit(world.elm, review_department=world.public_works,
                                   second_department=world.sanitation, decision_department=world.public_works, **extra)


def tick_all(application, user) -> None:
    for index in range(len(application.step.checklist)):
        ChecklistMark.objects.get_or_create(application=application, step=application.step, item=index,
                                            defaults={"user": user})
