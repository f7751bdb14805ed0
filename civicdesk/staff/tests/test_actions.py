"""The action forms on a request page: each calls its service, then redirects with a message."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from civicdesk.audit.models import AuditEntry
from civicdesk.catalog.models import Priority
from civicdesk.notifications.models import Delivery
from civicdesk.servicerequests import services
from civicdesk.servicerequests.models import TimelineEntry
from civicdesk.testing.world import IN_WEST_ELM
from civicdesk.testing.auth import login_verified

from .people import file_requests, seat_people


@pytest.fixture
def cast(world):
    return seat_people(world), file_requests(world)


def post(client, name, sr, data):
    return client.post(reverse(f"staff:{name}", args=[sr.public_id]), data, follow=True)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_it_changes_status_with_a_public_message(client, world, cast):
    _, reqs = cast
    login_verified(client, world.bob)
    response = post(client, "change_status", reqs.pothole, {"status": world.statuses["fixed"].pk,
                                                            "message": "Filled this morning"})
    reqs.pothole.refresh_from_db()
    assert reqs.pothole.status.code == "fixed" and not reqs.pothole.is_open
    assert messages_of(response) == ["Status changed to “Fixed”."]
    assert reqs.pothole.public_timeline().filter(message="Filled this morning").exists()


def test_it_forbids_an_agent_to_close_but_lets_them_move_it_along(client, world, cast):
    seats, reqs = cast
    login_verified(client, seats.agent)
    before = TimelineEntry.objects.count()
    assert post(client, "change_status", reqs.pothole, {"status": world.statuses["fixed"].pk}).status_code == 403
    assert TimelineEntry.objects.count() == before
    post(client, "change_status", reqs.pothole, {"status": world.statuses["acknowledged"].pk})
    reqs.pothole.refresh_from_db()
    assert reqs.pothole.status.code == "acknowledged"


def test_it_notifies_only_mentioned_colleagues_who_may_open_the_request(client, world, cast):
    """Carol (Sanitation) and Dave (the county) cannot open a Public Works request: the note used to be emailed
    to them anyway. Now only Sam, Public Works' supervisor, is told, and Bob learns who was not."""
    seats, reqs = cast
    login_verified(client, world.bob)
    response = post(client, "add_note", reqs.pothole,
                    {"message": "@sam, @carol and @dave@maple.example.gov: yours? @alice"})
    note = reqs.pothole.timeline.get(kind="internal_note")
    assert note.data["mentions"] == [seats.supervisor.pk]
    assert messages_of(response) == ["Not notified, because they cannot open this request: Carol, Dave.",
                                     "Note added."]
    mentioned = Delivery.objects.filter(template__contains="staff_mentioned")
    assert set(mentioned.values_list("address", flat=True)) == {seats.supervisor.email}


def test_it_assigns_to_a_person_and_team_of_the_department(client, world, cast):
    _, reqs = cast
    login_verified(client, world.carol)
    response = post(client, "assign", reqs.garbage, {"assignee": world.carol.pk, "team": world.north_crew.pk})
    reqs.garbage.refresh_from_db()
    assert reqs.garbage.assignee == world.carol and messages_of(response) == ["Assignment saved."]


def test_it_lets_only_a_supervisor_take_work_from_a_colleague(client, world, cast):
    seats, reqs = cast
    services.assign(reqs.pothole, user=seats.supervisor, assignee=seats.supervisor)
    login_verified(client, world.bob)
    assert post(client, "assign", reqs.pothole, {"assignee": world.bob.pk}).status_code == 403
    reqs.pothole.refresh_from_db()
    assert reqs.pothole.assignee == seats.supervisor
    services.assign(reqs.pothole, user=seats.supervisor, assignee=world.bob)
    login_verified(client, seats.supervisor)
    post(client, "assign", reqs.pothole, {"assignee": seats.supervisor.pk})
    reqs.pothole.refresh_from_db()
    assert reqs.pothole.assignee == seats.supervisor


def test_it_transfers_with_a_reason_and_returns_to_the_queues_when_out_of_reach(client, world, cast):
    _, reqs = cast
    login_verified(client, world.bob)
    response = post(client, "transfer", reqs.pothole, {"department": world.sanitation.pk, "reason": "Bins"})
    assert response.redirect_chain[-1][0] == reverse("staff:queues")
    assert messages_of(response) == ["Transferred to Sanitation."]
    reqs.pothole.refresh_from_db()
    assert reqs.pothole.department == world.sanitation
    assert AuditEntry.objects.filter(action="servicerequest.transferred", actor=world.bob).exists()


def test_it_refuses_a_transfer_without_a_reason(client, world, cast):
    _, reqs = cast
    login_verified(client, world.bob)
    response = post(client, "transfer", reqs.pothole, {"department": world.sanitation.pk, "reason": ""})
    assert messages_of(response) == ["This field is required."]
    reqs.pothole.refresh_from_db()
    assert reqs.pothole.department == world.public_works


def test_it_sets_priority(client, world, cast):
    _, reqs = cast
    login_verified(client, world.bob)
    post(client, "set_priority", reqs.pothole, {"priority": Priority.HIGH})
    reqs.pothole.refresh_from_db()
    assert reqs.pothole.priority == Priority.HIGH


def test_it_changes_the_kind_and_reroutes(client, world, cast):
    _, reqs = cast
    login_verified(client, world.bob)
    response = post(client, "change_category", reqs.pothole, {"service_type": world.garbage.pk})
    assert messages_of(response) == ["Kind changed; the request was routed out of your queues."]
    reqs.pothole.refresh_from_db()
    assert reqs.pothole.department == world.sanitation


def test_it_merges_a_duplicate_into_a_request_the_supervisor_can_see(client, world, cast):
    seats, reqs = cast
    copy = services.submit_request(service_type=world.pothole, lat=IN_WEST_ELM[0], long=IN_WEST_ELM[1],
                                   attributes={"depth": "deep"})
    login_verified(client, seats.supervisor)
    response = post(client, "merge", copy, {"into": reqs.pothole.public_id.lower()})
    assert messages_of(response) == [f"Merged into {reqs.pothole.public_id}."]
    copy.refresh_from_db()
    assert copy.duplicate_of == reqs.pothole and copy.status.code == "duplicate"


def test_it_will_not_merge_into_a_request_out_of_sight(client, world, cast):
    seats, reqs = cast
    login_verified(client, seats.supervisor)
    response = post(client, "merge", reqs.pothole, {"into": reqs.county.public_id})
    assert "No request you can see" in messages_of(response)[0]
    reqs.pothole.refresh_from_db()
    assert reqs.pothole.is_open and reqs.pothole.duplicate_of is None


def test_it_hides_a_photo(client, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "green").save(buffer, "JPEG")
    sr = services.submit_request(service_type=world.graffiti, lat=IN_WEST_ELM[0], long=IN_WEST_ELM[1],
                                 uploads=[SimpleUploadedFile("a.jpg", buffer.getvalue(), content_type="image/jpeg")])
    photo = sr.attachments.get()
    login_verified(client, world.bob)
    response = post(client, "hide_attachment", sr, {"attachment": photo.pk, "reason": "Licence plate"})
    photo.refresh_from_db()
    assert photo.hidden and messages_of(response) == ["The photo is now hidden from the public."]


def test_it_refuses_get_on_actions(client, world, cast):
    _, reqs = cast
    login_verified(client, world.bob)
    assert client.get(reverse("staff:set_priority", args=[reqs.pothole.public_id])).status_code == 405
