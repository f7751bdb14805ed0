"""Slot times are the jurisdiction's, not the server's: the Town of Elm moved to America/Los_Angeles while the site
runs on America/Chicago (TIME_ZONE), two hours ahead. Typed times are read on Elm's clock; the applicant's page,
the inspector's pages, the confirmation, the reminder and the audit trail all show Elm's clock."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from civicdesk.applications.demo import submitted_fence
from civicdesk.audit.models import AuditEntry
from civicdesk.inspections import services
from civicdesk.inspections.models import Booking, Slot
from civicdesk.notifications.models import Delivery
from civicdesk.testing.auth import login_verified

from .helpers import inspected_fence

LOS_ANGELES = zoneinfo.ZoneInfo("America/Los_Angeles")
#: Sunday 1 March 2099, 10:00 in Elm: the tests' "now".
NOW = dt.datetime(2099, 3, 1, 10, 0, tzinfo=LOS_ANGELES)


@pytest.fixture
def elm_in_los_angeles(world, settings):
    settings.TIME_ZONE = "America/Chicago"
    world.elm.time_zone = "America/Los_Angeles"
    world.elm.save()
    world.elm.refresh_from_db()
    with time_machine.travel(NOW, tick=False):
        yield world


def nine_am(world, *, day: int = 2) -> Slot:
    """Bob's slot from 09:00 to 10:00 Elm time on `day` March 2099."""
    starts = dt.datetime(2099, 3, day, 9, 0, tzinfo=LOS_ANGELES)
    return services.add_slot(user=world.bob, department=world.public_works, starts_at=starts,
                             ends_at=starts + dt.timedelta(hours=1), capacity=2)


def test_it_stores_a_slot_typed_at_nine_as_nine_on_the_jurisdictions_clock(client, elm_in_los_angeles):
    world = elm_in_los_angeles
    inspected_fence(world)
    login_verified(client, world.bob)
    form = client.get(reverse("inspections_staff:availability")).content.decode()
    assert "Local time of the department&#x27;s jurisdiction (America/Los_Angeles)" in form
    answer = client.post(reverse("inspections_staff:availability"), {
        "department": world.public_works.pk, "day": "2099-03-02", "start": "09:00", "end": "10:00", "capacity": 1})
    assert answer.status_code == 302
    made = Slot.objects.get()
    assert made.starts_at == dt.datetime(2099, 3, 2, 17, 0, tzinfo=dt.UTC)
    assert made.local_starts_at().strftime("%H:%M") == "09:00" and str(made) == "2099-03-02 09:00 PST"
    audit = AuditEntry.objects.get(action="inspection.slot_added")
    assert audit.data["starts_at"] == "2099-03-02T09:00:00-08:00" and audit.data["time_zone"] == "America/Los_Angeles"
    page = client.get(reverse("inspections_staff:availability")).content.decode()
    assert "March 2, 2099, 9 a.m.–10 a.m. PST" in page and "11 a.m." not in page


def test_it_refuses_a_time_the_clocks_skip(client, elm_in_los_angeles):
    world = elm_in_los_angeles
    inspected_fence(world)
    login_verified(client, world.bob)
    answer = client.post(reverse("inspections_staff:availability"), {  # 8 March 2099: 02:00 becomes 03:00
        "department": world.public_works.pk, "day": "2099-03-08", "start": "02:30", "end": "04:00", "capacity": 1})
    assert "There is no such time on that day in America/Los_Angeles" in answer.content.decode()
    assert not Slot.objects.exists()


def test_it_shows_the_applicant_the_local_time_and_confirms_it(client, elm_in_los_angeles):
    world = elm_in_los_angeles
    application = submitted_fence(inspected_fence(world), world.alice)
    free = nine_am(world)
    client.force_login(world.alice)
    page = client.get(application.get_absolute_url()).content.decode()
    assert "Monday 2 March 2099, 09:00–10:00 PST" in page and "11:00" not in page
    client.post(reverse("inspections:book", args=[application.pk]), {"slot": free.pk})
    event = application.events.get(kind="inspection_booked")
    assert event.message == "2099-03-02 09:00 PST"
    confirmation = Delivery.objects.get(key=f"application-event:{event.pk}", channel="email")
    assert "2099-03-02 09:00 PST" in confirmation.body_text
    assert AuditEntry.objects.get(action="inspection.booked").data["starts_at"] == "2099-03-02T09:00:00-08:00"
    page = client.get(application.get_absolute_url()).content.decode()
    assert "March 2, 2099, 9 a.m." in page


def test_it_reminds_in_the_local_time(elm_in_los_angeles):
    world = elm_in_los_angeles
    application = submitted_fence(inspected_fence(world), world.alice)
    services.book(application, user=world.alice, slot=nine_am(world))
    assert services.send_reminders() == 1
    reminder = Delivery.objects.get(event="inspection.reminder", channel="email")
    assert "Reminder: your inspection is on March 2, 2099, 9 a.m. (PST)." in reminder.body_text


def test_it_lists_the_inspectors_day_on_the_jurisdictions_clock(client, elm_in_los_angeles):
    world = elm_in_los_angeles
    kind = inspected_fence(world)
    late = services.add_slot(user=world.bob, department=world.public_works,  # 01:30 on 3 March in Chicago
                             starts_at=dt.datetime(2099, 3, 2, 23, 30, tzinfo=LOS_ANGELES),
                             ends_at=dt.datetime(2099, 3, 2, 23, 59, tzinfo=LOS_ANGELES), capacity=1)
    booking = Booking.objects.create(slot=late, application=submitted_fence(kind, world.alice))
    login_verified(client, world.bob)
    result_url = reverse("inspections_staff:result", args=[booking.pk])
    second = client.get(reverse("inspections_staff:day") + "?date=2099-03-02").content.decode()
    assert result_url in second and "11:30 p.m. PST" in second
    assert result_url not in client.get(reverse("inspections_staff:day") + "?date=2099-03-03").content.decode()
    result = client.get(result_url).content.decode()
    assert "March 2, 2099, 11:30 p.m. PST" in result and "?date=2099-03-02" in result


def test_it_speaks_spanish_and_arabic(client, elm_in_los_angeles):
    world = elm_in_los_angeles
    inspected_fence(world)
    login_verified(client, world.bob)
    url = reverse("inspections_staff:availability")
    spanish = client.get(url, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Hora local de la jurisdicción del departamento (America/Los_Angeles)." in spanish
    arabic = client.post(url, {"department": world.public_works.pk, "day": "2099-03-08", "start": "02:30",
                               "end": "04:00", "capacity": 1}, HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert "لا يوجد هذا الوقت في ذلك اليوم في America/Los_Angeles" in arabic


def test_it_reminds_in_the_applicants_language_and_the_local_time(elm_in_los_angeles):
    world = elm_in_los_angeles
    world.alice.language = "es"
    world.alice.save()
    application = submitted_fence(inspected_fence(world), world.alice)
    services.book(application, user=world.alice, slot=nine_am(world))
    services.send_reminders()
    reminder = Delivery.objects.get(event="inspection.reminder", channel="email")
    assert "Recordatorio: su inspección es el 2 de marzo de 2099 a las 09:00 (PST)." in reminder.body_text
