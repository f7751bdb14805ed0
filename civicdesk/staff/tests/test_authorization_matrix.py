"""Every staff URL and action, tried from every seat: the wrong seat gets 403/404 and writes nothing."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from PIL import Image

from civicdesk.accounts.models import User
from civicdesk.audit.models import AuditEntry
from civicdesk.catalog.models import Priority, RoutingRule
from civicdesk.jurisdictions.models import Department, StaffMembership
from civicdesk.servicerequests import services
from civicdesk.servicerequests.models import TimelineEntry
from civicdesk.staff.services import queue_counts
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
        "cashier": money_person(world, "cash@elm.example.gov", StaffMembership.Role.CASHIER),
        "finance supervisor": money_person(world, "fin@elm.example.gov", StaffMembership.Role.FINANCE_SUPERVISOR),
    }
    return world, seats, target, original, people


def money_person(world, email, role):
    """A cashier or finance supervisor of Elm (civicdesk/payments): a staff seat that reaches no request."""
    user = User.objects.create_user(email=email, password="correct horse battery", is_staff=True)
    StaffMembership.objects.create(user=user, jurisdiction=world.elm, role=role)
    return user


def expected(seat: str, action: str):
    """The rule, written out by hand for an unassigned request of Elm Public Works."""
    if seat == "anonymous":
        return LOGIN
    if seat == "resident":
        return FORBIDDEN
    if seat in ("contractor", "cashier", "finance supervisor") and action == "intake_support":
        return FORBIDDEN  # contractors and the money seats take no calls, whatever the request
    if seat in ("cashier", "finance supervisor"):
        return MISSING  # they handle bills and payments (civicdesk/payments/access.py), never requests
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
                                  "root", "other department", "other jurisdiction", "cashier", "finance supervisor"])
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


# --- private service types (records requests, tax accounts) -------------------------------------------------

PRIVATE_SEATS = ["agent", "staff", "supervisor", "admin", "contractor", "root", "jurisdiction supervisor", "clerk",
                 "clerk supervisor", "other department", "other jurisdiction"]


@pytest.fixture
def records(world):
    """A records request of Elm, with a City Clerk department whose staff handle records and a supervisor
    seat over the whole jurisdiction. The request waits in triage until a rule sends records to the clerk."""
    seats = seat_people(world)
    clerk_office = Department.objects.create(jurisdiction=world.elm, name="City Clerk", slug="clerk")

    def person(email, role, department=None):
        user = User.objects.create_user(email=email, password="correct horse battery", is_staff=True)
        StaffMembership.objects.create(user=user, jurisdiction=world.elm, role=role, department=department)
        return user

    people = {
        "agent": seats.agent, "staff": world.bob, "supervisor": seats.supervisor, "admin": seats.admin,
        "contractor": seats.contractor, "root": seats.root, "other department": world.carol,
        "other jurisdiction": world.dave,
        "jurisdiction supervisor": person("jo@elm.example.gov", StaffMembership.Role.SUPERVISOR),
        "clerk": person("cleo@elm.example.gov", StaffMembership.Role.STAFF, clerk_office),
        "clerk supervisor": person("cid@elm.example.gov", StaffMembership.Role.SUPERVISOR, clerk_office),
    }
    request = services.submit_request(service_type=world.records, lat=IN_WEST_ELM[0], long=IN_WEST_ELM[1],
                                      description="Copies of the 2024 building permits for my house",
                                      contact_email="rita@example.org", contact_phone="555-0199")
    street = services.submit_request(service_type=world.pothole, lat=IN_WEST_ELM[0], long=IN_WEST_ELM[1],
                                     attributes={"depth": "deep"})
    return world, clerk_office, people, request, street


def _reads(client, user, request, street) -> dict[str, bool | None]:
    """Whether the private request shows through each way the console has of reaching a request (None: that
    way is closed to the seat anyway)."""
    link = f'href="{reverse("staff:detail", args=[request.public_id])}"'
    login_verified(client, user)

    def shows(url, params=None) -> bool:
        return link in client.get(url, params or {}).content.decode()

    detail = client.get(reverse("staff:detail", args=[request.public_id])).status_code
    assert detail in (200, 404)
    queues = reverse("staff:queues")
    listed = any(shows(queues, {"queue": key}) for key in ("all", "triage", "department"))
    found = shows(queues, {"queue": "all", "q": request.public_id}) or shows(queues, {"queue": "all", "q": "permits"})
    street_page = client.get(reverse("staff:detail", args=[street.public_id]))
    near = link in street_page.content.decode() if street_page.status_code == 200 else None
    intake = client.get(reverse("staff:intake"), {"phone": "555-0199"})
    history = link in intake.content.decode() if intake.status_code == 200 else None
    counts = {row["key"]: row["count"] for row in queue_counts(User.objects.get(pk=user.pk))}
    client.logout()
    return {"detail": detail == 200, "queues": listed, "search": found, "nearby": near,
            "caller history": history, "triage count": counts["triage"] > 0}


#: Who reads a records request (True) before and after a routing rule sends records to the City Clerk.
PRIVATE_EXPECTED = {
    "in triage": {"admin", "root", "jurisdiction supervisor"},
    # A supervisor seat without a department reaches only triage, private or not.
    "routed to the clerk": {"admin", "root", "clerk", "clerk supervisor"},
}


@pytest.mark.parametrize("stage", list(PRIVATE_EXPECTED))
@pytest.mark.parametrize("seat", PRIVATE_SEATS)
def test_it_shows_private_service_types_only_to_the_seats_that_handle_them(client, records, stage, seat):
    """Records requests used to be readable by every seat of the city, street crews included."""
    world, clerk_office, people, request, street = records
    if stage == "routed to the clerk":
        rule = RoutingRule.objects.create(jurisdiction=world.elm, name="Records", department=clerk_office,
                                          order=5)
        rule.service_types.add(world.records)
        services.transfer(request, department=clerk_office, user=people["admin"], reason="Records go to the clerk")
    reads = _reads(client, people[seat], request, street)
    allowed = seat in PRIVATE_EXPECTED[stage]
    assert reads["detail"] is allowed, reads
    assert reads["queues"] is allowed and reads["search"] is allowed, reads
    assert reads["nearby"] in (None, allowed), reads
    assert reads["caller history"] in (None, allowed), reads
    if stage == "in triage":
        assert reads["triage count"] is allowed, reads


def test_it_shows_a_private_type_in_triage_to_the_department_it_is_routed_to(client, records):
    world, clerk_office, people, request, street = records
    rule = RoutingRule.objects.create(jurisdiction=world.elm, name="Records", department=clerk_office, order=5,
                                      district=world.east)  # routes records from East Elm only; this is West Elm
    rule.service_types.add(world.records)
    assert _reads(client, people["clerk"], request, street)["detail"] is True
    assert _reads(client, people["staff"], request, street)["detail"] is False
