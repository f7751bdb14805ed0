"""Every staff URL and action, tried from every seat: the wrong seat gets 403/404 and writes nothing."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from PIL import Image

from civicdesk.audit.models import AuditEntry
from civicdesk.catalog.models import Priority
from civicdesk.servicerequests import services
from civicdesk.servicerequests.models import TimelineEntry
from civicdesk.testing.world import IN_EAST_ELM, IN_WEST_ELM
from civicdesk.testing.auth import login_verified

from .people import seat_people

OK, LOGIN, FORBIDDEN, MISSING = "ok", "login", 403, 404
READS = ["detail", "attachment"]
WRITES = ["change_status", "add_note", "assign", "transfer", "set_priority", "change_category", "merge",
          "hide_attachment", "redact", "move_pin", "set_privacy", "intake_support"]


def photo_upload() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, "JPEG")
    return SimpleUploadedFile("a.jpg", buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture
def setup(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    seats = seat_people(world)

    def pothole(**extra):
        return services.submit_request(service_type=world.pothole, lat=IN_WEST_ELM[0], long=IN_WEST_ELM[1],
                                       attributes={"depth": "deep"}, contact_email="rita@example.org", **extra)

    target, original = pothole(uploads=[photo_upload()]), pothole()
    people = {
        "anonymous": None, "resident": world.alice, "agent": seats.agent, "staff": world.bob,
        "supervisor": seats.supervisor, "admin": seats.admin, "contractor": seats.contractor,
        "root": seats.root, "other department": world.carol, "other jurisdiction": world.dave,
    }
    return world, seats, target, original, people


def expected(seat: str, action: str):
    """The rule, written out by hand for an unassigned request of Elm Public Works."""
    if seat == "anonymous":
        return LOGIN
    if seat == "resident":
        return FORBIDDEN
    if seat == "contractor" and action == "intake_support":
        return FORBIDDEN  # contractors take no calls, whatever the request
    if seat in ("contractor", "other department", "other jurisdiction"):
        return MISSING
    if seat == "agent":
        return OK if action in READS + ["add_note", "intake_support"] else FORBIDDEN
    if seat == "staff":
        return FORBIDDEN if action == "merge" else OK
    return OK


def call(client, world, action, target, original, user):
    photo = target.attachments.get()
    if action == "detail":
        return client.get(reverse("staff:detail", args=[target.public_id]))
    if action == "attachment":
        return client.get(reverse("staff:attachment", args=[target.public_id, photo.pk]))
    data = {
        "change_status": {"status": world.statuses["fixed"].pk, "message": "Done"},
        "add_note": {"message": "Looked at it"},
        "assign": {"assignee": world.bob.pk},
        "transfer": {"department": world.sanitation.pk, "reason": "Not ours"},
        "set_priority": {"priority": Priority.URGENT},
        "change_category": {"service_type": world.graffiti.pk},
        "merge": {"into": original.public_id},
        "hide_attachment": {"attachment": photo.pk, "reason": "Face"},
        "redact": {"text": "Call me on [redacted]", "reason": "Phone number"},
        "move_pin": {"lat": IN_EAST_ELM[0], "long": IN_EAST_ELM[1]},
        "set_privacy": {"private": "1", "reason": "Names a neighbour"},
        "intake_support": {"phone": "555-0100"},
    }[action]
    return client.post(reverse(f"staff:{action}", args=[target.public_id]), data)


def written() -> tuple[int, int]:
    return AuditEntry.objects.count(), TimelineEntry.objects.count()


@pytest.mark.parametrize("seat", ["anonymous", "resident", "agent", "staff", "supervisor", "admin", "contractor",
                                  "root", "other department", "other jurisdiction"])
def test_it_allows_exactly_what_each_seat_may_do(client, setup, seat):
    world, seats, target, original, people = setup
    user = people[seat]
    if user is not None:
        login_verified(client, user)
    queue = client.get(reverse("staff:queues"))
    if seat == "anonymous":
        assert queue.status_code == 302
    elif seat == "resident":
        assert queue.status_code == 403
    else:
        assert queue.status_code == 200
        listed = target.public_id in queue.content.decode() or target.public_id in client.get(
            reverse("staff:queues"), {"queue": "all"}).content.decode()
        assert listed == (expected(seat, "detail") == OK)
    for action in READS + WRITES:
        before = written()
        with transaction.atomic():
            response = call(client, world, action, target, original, user)
            after = written()
            transaction.set_rollback(True)
        want = expected(seat, action)
        if want == LOGIN:
            assert response.status_code == 302 and "/account/login/" in response["Location"], action
        elif want == OK:
            assert response.status_code in (200, 302), (action, response.status_code)
            if action in WRITES:
                assert after != before, f"{seat} {action} wrote nothing"
        else:
            assert response.status_code == want, (seat, action, response.status_code)
        if want != OK:
            assert after == before, f"{seat} {action} wrote something"


def test_it_lets_a_contractor_work_only_on_what_is_assigned_without_contact_details(client, setup):
    world, seats, target, original, people = setup
    services.assign(target, user=seats.supervisor, assignee=seats.contractor)
    login_verified(client, seats.contractor)
    page = client.get(reverse("staff:detail", args=[target.public_id]))
    assert page.status_code == 200 and "rita@example.org" not in page.content.decode()
    assert client.get(reverse("staff:detail", args=[original.public_id])).status_code == 404
    allowed = {"detail", "attachment", "add_note", "change_status"}
    for action in READS + WRITES:
        before = written()
        with transaction.atomic():
            response = call(client, world, action, target, original, seats.contractor)
            after = written()
            transaction.set_rollback(True)
        if action in allowed:
            assert response.status_code in (200, 302), action
        else:
            assert response.status_code == 403 and after == before, action
