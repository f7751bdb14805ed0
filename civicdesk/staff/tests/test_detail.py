"""The request page for staff: whole timeline, photos (hidden ones marked), contact by role, SLA, nearby."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from civicdesk.servicerequests import services
from civicdesk.servicerequests.models import ServiceRequest
from civicdesk.testing.world import IN_WEST_ELM
from civicdesk.testing.auth import login_verified

from .people import file_requests, seat_people


@pytest.fixture
def cast(world):
    return seat_people(world), file_requests(world)


def url(sr) -> str:
    return reverse("staff:detail", args=[sr.public_id])


def jpeg() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "blue").save(buffer, "JPEG")
    return SimpleUploadedFile("hole.jpg", buffer.getvalue(), content_type="image/jpeg")


def test_it_shows_the_whole_timeline_with_internal_entries_marked(client, world, cast):
    _, reqs = cast
    services.add_internal_note(reqs.pothole, message="Check the drain too", user=world.bob)
    services.transition(reqs.pothole, world.statuses["in_progress"], user=world.bob, message="Crew booked")
    login_verified(client, world.bob)
    page = client.get(url(reqs.pothole)).content.decode()
    assert "Check the drain too" in page and "Crew booked" in page
    assert page.count("cd-entry--internal") == 2  # the routing entry and the note
    assert page.count("cd-entry--public") == 2  # submitted and the status change
    assert "Routed to Public Works by rule" in page


def test_it_shows_reporter_contact_to_staff_but_never_to_a_contractor(client, world, cast):
    seats, reqs = cast
    services.assign(reqs.pothole, user=seats.supervisor, assignee=seats.contractor)
    login_verified(client, world.bob)
    assert "rita@example.org" in client.get(url(reqs.pothole)).content.decode()
    login_verified(client, seats.contractor)
    page = client.get(url(reqs.pothole)).content.decode()
    assert "rita@example.org" not in page and "555-0199" not in page and "Rita" not in page
    assert "does not show the reporter" in page


def test_it_shows_the_overdue_state(client, world, cast):
    _, reqs = cast
    ServiceRequest.objects.filter(pk=reqs.pothole.pk).update(expected_at=timezone.now() - dt.timedelta(hours=3))
    login_verified(client, world.bob)
    response = client.get(url(reqs.pothole))
    assert response.context["overdue"] and 'data-testid="overdue"' in response.content.decode()


def test_it_lists_nearby_requests_the_user_may_see(client, world, cast):
    _, reqs = cast
    login_verified(client, world.bob)
    nearby = [other.public_id for other, _m in client.get(url(reqs.pothole)).context["nearby"]]
    # The garbage report is at the same spot but in Sanitation: bob may not see it.
    assert nearby == []
    login_verified(client, world.carol)
    nearby = [other.public_id for other, _m in client.get(url(reqs.garbage)).context["nearby"]]
    assert nearby == []
    other = services.submit_request(service_type=world.graffiti, lat=IN_WEST_ELM[0] + 0.0005, long=IN_WEST_ELM[1])
    login_verified(client, world.bob)
    assert [o.public_id for o, _m in client.get(url(reqs.pothole)).context["nearby"]] == [other.public_id]


def test_it_shows_hidden_photos_to_staff_marked_as_hidden(client, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    sr = services.submit_request(service_type=world.graffiti, lat=IN_WEST_ELM[0], long=IN_WEST_ELM[1],
                                 uploads=[jpeg()])
    photo = sr.attachments.get()
    services.hide_attachment(photo, user=world.bob)
    login_verified(client, world.bob)
    page = client.get(url(sr)).content.decode()
    assert 'data-testid="hidden-photo"' in page
    image = client.get(reverse("staff:attachment", args=[sr.public_id, photo.pk]))
    assert image.status_code == 200 and image["Content-Type"] == "image/jpeg"
    assert client.get(reverse("servicerequests:attachment", args=[sr.public_id, photo.pk])).status_code == 404
    login_verified(client, world.carol)
    assert client.get(reverse("staff:attachment", args=[sr.public_id, photo.pk])).status_code == 404


def test_it_is_not_found_for_staff_of_another_department_or_jurisdiction(client, world, cast):
    _, reqs = cast
    login_verified(client, world.carol)
    assert client.get(url(reqs.pothole)).status_code == 404
    login_verified(client, world.dave)
    assert client.get(url(reqs.pothole)).status_code == 404
    login_verified(client, world.alice)
    assert client.get(url(reqs.pothole)).status_code == 403


def test_it_redirects_a_loosely_typed_tracking_number(client, world, cast):
    _, reqs = cast
    login_verified(client, world.bob)
    response = client.get(reverse("staff:detail", args=[reqs.pothole.public_id.replace("-", "").lower()]))
    assert response.status_code == 302 and response["Location"] == url(reqs.pothole)
