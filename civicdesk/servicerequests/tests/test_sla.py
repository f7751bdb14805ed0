"""SLA due dates set at submission: business hours, weekends and the jurisdiction's holidays."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import time_machine

from civicdesk.jurisdictions.models import Holiday
from civicdesk.servicerequests import services
from civicdesk.testing.world import IN_EAST_ELM

CHICAGO = zoneinfo.ZoneInfo("America/Chicago")


def test_it_sets_the_due_date_across_a_weekend(world):
    # Friday 13 Nov 2026 at 15:00 local; graffiti has no SLA, pothole 16 business hours.
    with time_machine.travel(dt.datetime(2026, 11, 13, 15, 0, tzinfo=CHICAGO), tick=False):
        request = services.submit_request(service_type=world.pothole, lat=IN_EAST_ELM[0], long=IN_EAST_ELM[1],
                                          attributes={"depth": "deep"})
    # 2 h Friday, 9 h Monday, 5 h Tuesday.
    assert request.expected_at == dt.datetime(2026, 11, 17, 13, 0, tzinfo=CHICAGO)


def test_it_skips_the_jurisdictions_holidays(world):
    Holiday.objects.create(jurisdiction=world.elm, date=dt.date(2026, 11, 26), name="Thanksgiving")
    Holiday.objects.create(jurisdiction=world.elm, date=dt.date(2026, 11, 27), name="Day after Thanksgiving")
    with time_machine.travel(dt.datetime(2026, 11, 25, 9, 0, tzinfo=CHICAGO), tick=False):
        request = services.submit_request(service_type=world.garbage, lat=IN_EAST_ELM[0], long=IN_EAST_ELM[1],
                                          contact_email="r@example.org")
    # 8 business hours from Wednesday 09:00 is Wednesday 17:00.
    assert request.expected_at == dt.datetime(2026, 11, 25, 17, 0, tzinfo=CHICAGO)
    with time_machine.travel(dt.datetime(2026, 11, 25, 16, 0, tzinfo=CHICAGO), tick=False):
        later = services.submit_request(service_type=world.garbage, lat=IN_EAST_ELM[0], long=IN_EAST_ELM[1],
                                        contact_email="r@example.org")
    # 1 h Wednesday; Thursday and Friday are holidays; weekend; 7 h Monday.
    assert later.expected_at == dt.datetime(2026, 11, 30, 15, 0, tzinfo=CHICAGO)


def test_it_leaves_no_due_date_without_a_target(world):
    request = services.submit_request(service_type=world.graffiti, lat=IN_EAST_ELM[0], long=IN_EAST_ELM[1])
    assert request.expected_at is None and not request.is_overdue()


def test_it_knows_when_an_open_request_is_overdue(world):
    request = services.submit_request(service_type=world.pothole, lat=IN_EAST_ELM[0], long=IN_EAST_ELM[1],
                                      attributes={"depth": "deep"})
    assert not request.is_overdue()
    assert request.is_overdue(now=request.expected_at + dt.timedelta(minutes=1))
    services.transition(request, world.statuses["fixed"])
    request.refresh_from_db()
    assert not request.is_overdue(now=request.expected_at + dt.timedelta(days=9))
