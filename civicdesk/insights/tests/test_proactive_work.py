"""Proactive work: one staff-originated request per hotspot, routed like any other, linked back and audited."""

from __future__ import annotations

import pytest

from civicdesk.audit.models import AuditEntry
from civicdesk.insights.models import Hotspot, ProactiveWork
from civicdesk.insights.services import AlreadyCreated, create_proactive_request, run_detection, \
    suggested_description
from civicdesk.jurisdictions.models import StaffMembership
from civicdesk.servicerequests.models import ServiceRequest
from civicdesk.staff.tests.people import seat_people
from civicdesk.testing.auth import login_verified

from .helpers import cluster

pytestmark = pytest.mark.django_db


@pytest.fixture
def hotspot(world):
    cluster(world)
    run_detection()
    return Hotspot.objects.get(kind="cell")


def test_it_files_one_routed_request_from_a_cell(world, hotspot):
    seats = seat_people(world)
    work = create_proactive_request(hotspot, user=seats.supervisor, description="Fill the holes on Oak Street",
                                    attributes={"depth": "deep"})
    request = work.request
    assert request.service_type == world.pothole and request.department == world.public_works  # routed
    assert hotspot.south <= request.lat < hotspot.north and hotspot.west <= request.long < hotspot.east
    assert request.description == "Fill the holes on Oak Street" and request.reporter == seats.supervisor
    assert request.timeline.filter(kind="internal_note", message__contains=f"hotspot #{hotspot.pk}").exists()
    assert AuditEntry.objects.filter(action="insights.proactive_request_created", object_id=str(hotspot.pk),
                                     actor=seats.supervisor, data__request=request.public_id).exists()
    assert AuditEntry.objects.filter(action="servicerequest.submitted", object_id=str(request.pk)).exists()


def test_it_refuses_a_second_request_for_the_same_hotspot(world, hotspot):
    seats = seat_people(world)
    first = create_proactive_request(hotspot, user=seats.supervisor, description="Fill", attributes={"depth": "deep"})
    with pytest.raises(AlreadyCreated) as caught:
        create_proactive_request(hotspot, user=seats.admin, description="Again", attributes={"depth": "deep"})
    assert caught.value.work == first
    assert ProactiveWork.objects.count() == 1


def test_it_drafts_a_description_naming_the_place(world, hotspot):
    text = suggested_description(hotspot)
    assert "8 Pothole reports around 12 Oak Street" in text


def test_it_files_from_the_page_and_a_double_click_opens_the_first(client, world, hotspot):
    seats = seat_people(world)
    login_verified(client, seats.supervisor)
    page = client.get(f"/staff/insights/{hotspot.pk}/")
    assert page.status_code == 200 and b"File the request" in page.content
    data = {"description": "Fill the holes around 12 Oak Street", "attribute_depth": "deep"}
    first = client.post(f"/staff/insights/{hotspot.pk}/work/", data)
    second = client.post(f"/staff/insights/{hotspot.pk}/work/", data)
    assert first.status_code == 302 and second.status_code == 302
    assert ProactiveWork.objects.count() == 1
    request = ServiceRequest.objects.get(description="Fill the holes around 12 Oak Street")
    page = client.get(f"/staff/insights/{hotspot.pk}/")
    assert request.public_id in page.content.decode() and b"File the request" not in page.content


def test_it_shows_the_type_questions_and_their_errors(client, world, hotspot):
    seats = seat_people(world)
    login_verified(client, seats.supervisor)
    response = client.post(f"/staff/insights/{hotspot.pk}/work/", {"description": "Fill"})
    assert response.status_code == 400 and not ProactiveWork.objects.exists()


def test_it_lets_only_supervisors_and_admins_file(client, world, hotspot):
    seats = seat_people(world)
    data = {"description": "Fill", "attribute_depth": "deep"}
    for person, status in [(world.bob, 403), (seats.agent, 403), (seats.contractor, 403), (world.carol, 404),
                           (world.mallory, 403)]:
        login_verified(client, person) if person.is_staff or person.memberships.exists() else client.force_login(
            person)
        assert client.post(f"/staff/insights/{hotspot.pk}/work/", data).status_code == status, person
    assert not ProactiveWork.objects.exists()
    login_verified(client, seats.admin)
    assert client.post(f"/staff/insights/{hotspot.pk}/work/", data).status_code == 302
    assert StaffMembership.objects.filter(user=seats.admin, role="admin").exists()
