"""The demo: the fence permit's inspection rule, the inspector's times next week and one booking; the inspector's
pages and the applicant's page show them."""

from __future__ import annotations

from django.urls import reverse

from civicdesk.applications.demo import submitted_fence
from civicdesk.applications.tests.helpers import fence_type
from civicdesk.inspections import demo
from civicdesk.inspections.models import Booking, Slot
from civicdesk.testing.auth import login_verified


def test_it_seeds_times_next_week_and_a_booking_shown_on_the_pages(client, world):
    fence = fence_type(world)
    submitted_fence(fence, world.alice)
    said = demo.seed(fence, department=world.public_works, inspector=world.bob, applicant=world.alice)
    assert said.startswith("10 inspection times next week, 1 booked")
    assert demo.seed(fence, department=world.public_works, inspector=world.bob) == "already there"
    booking = Booking.objects.get()
    assert Slot.objects.filter(inspector=world.bob).count() == 10
    login_verified(client, world.bob)
    assert booking.application.number in client.get(
        reverse("inspections_staff:day") + f"?date={booking.slot.starts_at.astimezone(world.elm.tz):%Y-%m-%d}"
    ).content.decode()
    assert client.get(reverse("inspections_staff:availability")).status_code == 200
    client.force_login(world.alice)
    assert "Booked" in client.get(booking.application.get_absolute_url()).content.decode()
