"""Due soon counts the jurisdiction's business hours: weekends, evenings and holidays do not bring a due time closer."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from civicdesk.jurisdictions.models import Holiday
from civicdesk.servicerequests import services
from civicdesk.servicerequests.models import ServiceRequest
from civicdesk.staff import sla
from civicdesk.testing.world import IN_WEST_ELM
from civicdesk.testing.auth import login_verified

CHICAGO = zoneinfo.ZoneInfo("America/Chicago")  # the Town of Elm's time zone; offices open 08:00-17:00 Mon-Fri
FRIDAY_EVENING = dt.datetime(2026, 11, 20, 18, 0, tzinfo=CHICAGO)


@pytest.fixture
def garbage(world):
    with time_machine.travel(FRIDAY_EVENING, tick=False):
        return services.submit_request(service_type=world.garbage, lat=IN_WEST_ELM[0], long=IN_WEST_ELM[1],
                                       contact_email="rita@example.org")


def due(request, when: dt.datetime) -> None:
    ServiceRequest.objects.filter(pk=request.pk).update(expected_at=when)


@pytest.mark.parametrize(("expected_at", "soon"), [
    (dt.datetime(2026, 11, 21, 12, 0, tzinfo=CHICAGO), True),  # Saturday noon: no business hour left
    (dt.datetime(2026, 11, 23, 15, 0, tzinfo=CHICAGO), True),  # Monday 15:00: 7 business hours, 69 wall-clock
    (dt.datetime(2026, 11, 23, 17, 30, tzinfo=CHICAGO), False),  # after closing Monday: 9 business hours
    (dt.datetime(2026, 11, 24, 10, 0, tzinfo=CHICAGO), False),  # Tuesday 10:00: 11 business hours
])
def test_it_marks_due_soon_by_business_hours_left(world, garbage, expected_at, soon):
    due(garbage, expected_at)
    assert sla.sweep(now=FRIDAY_EVENING)["due_soon"] == int(soon)


def test_it_does_not_count_a_holiday(world, garbage):
    tuesday = dt.datetime(2026, 11, 24, 10, 0, tzinfo=CHICAGO)
    due(garbage, tuesday)
    assert sla.sweep(now=FRIDAY_EVENING)["due_soon"] == 0
    Holiday.objects.create(jurisdiction=world.elm, date=dt.date(2026, 11, 23), name="Closure")
    assert sla.sweep(now=FRIDAY_EVENING)["due_soon"] == 1  # only Tuesday 08:00-10:00 counts now


def test_it_uses_the_same_rule_for_the_due_soon_queue(client, world, garbage):
    due(garbage, dt.datetime(2026, 11, 23, 15, 0, tzinfo=CHICAGO))
    login_verified(client, world.carol)
    with time_machine.travel(FRIDAY_EVENING, tick=False):
        page = client.get(reverse("staff:queues"), {"queue": "due_soon"}).content.decode()
    assert garbage.public_id in page
    with time_machine.travel(FRIDAY_EVENING - dt.timedelta(days=3), tick=False):  # Tuesday: 4 days of work left
        page = client.get(reverse("staff:queues"), {"queue": "due_soon"}).content.decode()
    assert garbage.public_id not in page
