"""manage.py send_area_digests: one summary per daily subscriber for yesterday, never twice."""

from __future__ import annotations

import datetime as dt
import io
import zoneinfo

import time_machine
from django.core.management import call_command

from civicdesk.alerts.management.commands.send_area_digests import seconds_until
from civicdesk.alerts.models import AreaSubscription
from civicdesk.notifications.models import Delivery
from civicdesk.servicerequests import services as requests
from civicdesk.testing.fixtures import run_worker
from civicdesk.testing.world import IN_EAST_ELM

from .helpers import live, pothole, text

CHICAGO = zoneinfo.ZoneInfo("America/Chicago")
DAILY = AreaSubscription.Frequency.DAILY


def digest(day: str | None = None) -> str:
    out = io.StringIO()
    call_command("send_area_digests", *(["--date", day] if day else []), stdout=out)
    return out.getvalue()


def test_it_sends_yesterdays_summary_once(tworld, smtp_server):
    live("daily@example.org", frequency=DAILY)
    live("closures@example.org", frequency=DAILY, notify_new=False)
    live("east@example.org", frequency=DAILY, district=tworld.east)
    live("immediate@example.org", notify_new=False)  # immediate subscribers get no digest
    with time_machine.travel(dt.datetime(2026, 11, 26, 9, 0, tzinfo=CHICAGO), tick=False):
        first = pothole(tworld, contact_email="reporter@example.org", contact_name="Rita")
        second = pothole(tworld, description="Another one")
        requests.transition(second, tworld.statuses["fixed"], user=tworld.bob)
    with time_machine.travel(dt.datetime(2026, 11, 25, 23, 0, tzinfo=CHICAGO), tick=False):
        older = pothole(tworld, description="The day before")
    run_worker()  # the immediate alerts and acknowledgements, out of the way
    already = len(smtp_server.messages)

    with time_machine.travel(dt.datetime(2026, 11, 27, 7, 0, tzinfo=CHICAGO), tick=False):
        assert "area digests for 2026-11-26: 2 queued" in digest()
        assert "area digests for 2026-11-26: 0 queued" in digest()  # a rerun sends nothing twice
    run_worker()
    messages = smtp_server.wait_for(already + 2)[already:]
    by_to = {m["To"]: m for m in messages}
    assert set(by_to) == {"daily@example.org", "closures@example.org"}
    body = text(by_to["daily@example.org"])
    assert by_to["daily@example.org"]["Subject"] == "Requests in your area on Nov. 26, 2026"
    assert "New requests (2):" in body and "Closed requests (1):" in body
    assert first.public_id in body and second.public_id in body and older.public_id not in body
    assert "reporter@example.org" not in body and "Rita" not in body
    closures = text(by_to["closures@example.org"])
    assert "New requests" not in closures and second.public_id in closures
    assert Delivery.objects.filter(key__startswith="digest:2026-11-26:").count() == 2


def test_it_summarises_a_given_day_and_skips_quiet_areas(tworld):
    live("east@example.org", frequency=DAILY, district=tworld.east)
    with time_machine.travel(dt.datetime(2026, 11, 20, 12, 0, tzinfo=CHICAGO), tick=False):
        request = requests.submit_request(service_type=tworld.graffiti, lat=IN_EAST_ELM[0], long=IN_EAST_ELM[1],
                                          description="Tag on the bridge")
    assert "2026-11-19: 0 queued" in digest("2026-11-19")
    assert "2026-11-20: 1 queued" in digest("2026-11-20")
    [delivery] = Delivery.objects.filter(key__startswith="digest:2026-11-20:")
    assert request.public_id in delivery.body_text


def test_it_waits_until_the_next_local_time():
    now = dt.datetime(2026, 11, 27, 6, 30, tzinfo=CHICAGO)
    assert seconds_until(dt.time(7, 0), now) == 30 * 60
    assert seconds_until(dt.time(6, 0), now) == 23.5 * 3600
