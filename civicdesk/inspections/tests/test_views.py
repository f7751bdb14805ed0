"""Inspection pages: the applicant books from their application's page; inspectors publish times, read their day
and record a result with photos on the phone-sized page; who may see what."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from civicdesk.applications.demo import submitted_fence
from civicdesk.inspections.models import Booking, InspectionPhoto, Slot
from civicdesk.testing.auth import login_verified

from .helpers import inspected_fence, slot

CANARY = "<i>crookedfencepost</i>"


def jpeg() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (120, 80, 40)).save(buffer, "JPEG")
    return SimpleUploadedFile("post.jpg", buffer.getvalue(), content_type="image/jpeg")


def test_it_lets_the_applicant_book_from_the_application_page(client, world):
    kind = inspected_fence(world)
    application = submitted_fence(kind, world.alice)
    free = slot(world)
    client.force_login(world.alice)
    page = client.get(application.get_absolute_url()).content.decode()
    assert "This permit needs an inspection" in page and f'value="{free.pk}"' in page
    client.post(reverse("inspections:book", args=[application.pk]), {"slot": free.pk})
    assert Booking.objects.get().application == application
    page = client.get(application.get_absolute_url()).content.decode()
    assert "Booked" in page and f'value="{free.pk}"' not in page
    client.force_login(world.mallory)
    assert client.post(reverse("inspections:book", args=[application.pk]), {"slot": free.pk}).status_code == 404


def test_it_lets_inspectors_publish_times_and_read_their_day(client, world, django_assert_max_num_queries):
    kind = inspected_fence(world)
    login_verified(client, world.bob)
    page = client.post(reverse("inspections_staff:availability"), {
        "department": world.public_works.pk, "day": "2099-03-02", "start": "09:00", "end": "10:00", "capacity": 2})
    assert page.status_code == 302
    made = Slot.objects.get()
    assert made.capacity == 2 and made.inspector == world.bob
    refused = client.post(reverse("inspections_staff:availability"), {
        "department": world.public_works.pk, "day": "2099-03-02", "start": "10:00", "end": "09:00", "capacity": 1})
    assert "The end must be after the start." in refused.content.decode()
    booked = [Booking.objects.create(slot=made, application=submitted_fence(kind, world.alice)) for _ in range(2)]
    with django_assert_max_num_queries(12):
        day = client.get(reverse("inspections_staff:day") + "?date=2099-03-02")
    assert all(reverse("inspections_staff:result", args=[b.pk]) in day.content.decode() for b in booked)
    login_verified(client, world.carol)  # Sanitation does no inspections
    assert client.get(reverse("inspections_staff:availability")).status_code == 403
    client.force_login(world.alice)
    assert client.get(reverse("inspections_staff:day")).status_code in (302, 403)


def test_it_records_a_result_with_photos_on_the_phone_page(client, world):
    kind = inspected_fence(world)
    application = submitted_fence(kind, world.alice)
    from civicdesk.inspections import services

    booking = services.book(application, user=world.alice, slot=slot(world))
    login_verified(client, world.carol)
    assert client.get(reverse("inspections_staff:result", args=[booking.pk])).status_code == 403
    login_verified(client, world.bob)
    url = reverse("inspections_staff:result", args=[booking.pk])
    assert client.get(url).status_code == 200
    client.post(url, {"outcome": "fail", "notes": CANARY, "photos": [jpeg()]})
    booking.refresh_from_db()
    assert booking.status == "failed" and InspectionPhoto.objects.filter(booking=booking).count() == 1
    photo = InspectionPhoto.objects.get()
    assert photo.content_type == "image/jpeg"
    page = client.get(url).content.decode()
    assert CANARY not in page and "&lt;i&gt;crookedfencepost&lt;/i&gt;" in page
    client.force_login(world.alice)
    mine = client.get(application.get_absolute_url()).content.decode()
    assert "The inspection did not pass" in mine and CANARY not in mine
    assert client.get(reverse("inspections:photo", args=[booking.pk, photo.pk])).status_code == 200
    client.force_login(world.mallory)
    assert client.get(reverse("inspections:photo", args=[booking.pk, photo.pk])).status_code in (403, 404)
