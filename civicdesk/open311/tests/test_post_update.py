"""POST servicerequestupdates.{xml,json}: a client's update, applied once through transition()/add_note()."""

from __future__ import annotations

from urllib.parse import urlencode

from civicdesk.notifications.models import Delivery
from civicdesk.open311.models import ClientUpdate
from civicdesk.open311.services import issue_api_key
from civicdesk.servicerequests import services
from civicdesk.servicerequests.models import ServiceRequest, TimelineEntry

from .conftest import ELM, report


def update_form(key: str, request, **overrides) -> dict:
    form = {"jurisdiction_id": ELM, "api_key": key, "service_request_id": request.public_id, "update_id": "9876",
            "status": "OPEN", "updated_datetime": "2025-03-04T10:00:00-06:00", "description": "Still there"}
    form.update(overrides)
    return {name: value for name, value in form.items() if value is not None}


def test_it_replays_fixmystreets_exact_update_body_as_a_public_note(api, world, key):
    request = report(world)
    # As FixMyStreet's client sends it: form-encoded, "-" for an unknown last name.
    body = urlencode([
        ("jurisdiction_id", ELM), ("api_key", key), ("updated_datetime", "2025-03-04T10:00:00-06:00"),
        ("service_request_id", request.public_id), ("status", "OPEN"),
        ("description", "Still there, and getting bigger"), ("first_name", "Alice"), ("last_name", "-"),
        ("email", "alice@example.org"), ("update_id", "9876"), ("media_url", "https://fms.example.org/c/9876.jpeg"),
    ])
    answer = api.post("servicerequestupdates.xml", body, content_type="application/x-www-form-urlencoded")
    assert answer.status == 200
    entry = TimelineEntry.objects.get(kind="public_note")
    assert answer.doc == {"request_update": [{"update_id": str(entry.pk)}]}
    assert (entry.request, entry.message, entry.is_public) == (request, "Still there, and getting bigger", True)
    stored = ClientUpdate.objects.get()
    assert (stored.update_id, stored.entry) == ("9876", entry)
    assert stored.media_urls == ["https://fms.example.org/c/9876.jpeg"]
    assert request.audit_entries().filter(action="servicerequest.open311_update", data__update_id="9876").exists()
    assert "alice@example.org" not in str(request.audit_entries().values_list("data", flat=True))


def test_it_closes_an_open_request_through_transition(api, world, key):
    request = report(world)
    answer = api.post("servicerequestupdates.json", update_form(key, request, status="CLOSED",
                                                                 description="Filled this morning"))
    request.refresh_from_db()
    entry = TimelineEntry.objects.get(kind="status")
    assert answer.doc == [{"update_id": str(entry.pk)}]
    assert (request.status.code, request.is_open, entry.message) == ("fixed", False, "Filled this morning")
    assert request.closed_at is not None
    assert request.audit_entries().filter(action="servicerequest.status_changed").exists()
    assert Delivery.objects.filter(event="request.closed", key=f"timeline:{entry.pk}",
                                   address="zed.quimby@example.org").exists()


def test_it_maps_mysocietys_extended_statuses_to_ours(api, world, key):
    cases = {"FIXED": "fixed", "IN_PROGRESS": "in_progress", "action scheduled": "action_scheduled",
             "NOT_COUNCILS_RESPONSIBILITY": "not_responsible", "DUPLICATE": "duplicate",
             "INTERNAL_REFERRAL": "referred", "no_further_action": "no_further_action", "CANCELLED": "cancelled"}
    for n, (word, code) in enumerate(cases.items()):
        request = report(world, service_type=world.graffiti, attributes={})
        assert api.post("servicerequestupdates.json", update_form(key, request, status=word,
                                                                  update_id=f"u{n}")).status == 200
        request.refresh_from_db()
        assert request.status.code == code, word


def test_it_reopens_a_closed_request(api, world, key):
    request = report(world)
    services.transition(request, world.statuses["fixed"])
    api.post("servicerequestupdates.json", update_form(key, request, status="REOPEN", description="It is back"))
    request.refresh_from_db()
    assert (request.status.code, request.is_open, request.closed_at) == ("investigating", True, None)
    assert request.audit_entries().filter(action="servicerequest.reopened").exists()


def test_it_adds_a_note_when_the_status_says_what_the_request_already_is(api, world, key):
    request = report(world)
    services.transition(request, world.statuses["fixed"])
    api.post("servicerequestupdates.json", update_form(key, request, status="FIXED", description="Thanks!"))
    request.refresh_from_db()
    assert request.status.code == "fixed"
    assert TimelineEntry.objects.filter(request=request, kind="public_note", message="Thanks!").exists()


def test_it_applies_an_update_once_however_often_it_is_sent(api, world, key):
    request = report(world)
    first = api.post("servicerequestupdates.json", update_form(key, request, status="CLOSED"))
    again = api.post("servicerequestupdates.json", update_form(key, request, status="CLOSED"))
    assert first.doc == again.doc
    assert TimelineEntry.objects.filter(request=request, kind="status").count() == 1
    _, other_key = issue_api_key(name="Another app", rate_limit_per_minute=0)
    other = api.post("servicerequestupdates.json", update_form(other_key, request, status="OPEN"))
    assert other.doc != first.doc and ClientUpdate.objects.count() == 2


def test_it_gives_one_error_per_missing_field(api, world, key):
    answer = api.post("servicerequestupdates.json", {"api_key": key, "jurisdiction_id": ELM, "status": "OPEN"})
    assert answer.status == 400
    assert [e["description"] for e in answer.doc] == [
        "service_request_id was not provided.", "update_id was not provided.", "updated_datetime was not provided."]


def test_it_refuses_unknown_statuses_dates_and_empty_notes(api, world, key):
    request = report(world)
    assert api.post("servicerequestupdates.json", update_form(key, request, status="EXPLODED")).doc == [
        {"code": 400, "description": "status EXPLODED is not one we understand."}]
    assert api.post("servicerequestupdates.json", update_form(key, request, updated_datetime="yesterday")).doc == [
        {"code": 400, "description": "updated_datetime is not a W3C datetime like 2010-01-01T00:00:00Z."}]
    assert api.post("servicerequestupdates.json", update_form(key, request, description="")).doc == [
        {"code": 400, "description": "description was not provided."}]
    assert not ClientUpdate.objects.exists()


def test_it_refuses_a_move_the_status_table_does_not_allow(api, world, key):
    request = report(world)
    services.transition(request, world.statuses["fixed"])
    world.statuses["fixed"].allowed_next.clear()
    answer = api.post("servicerequestupdates.json", update_form(key, request, status="OPEN"))
    assert answer.doc == [{"code": 400, "description": "A request cannot move from “Fixed” to open."}]
    assert not ClientUpdate.objects.exists()


def test_it_answers_unknown_and_private_requests_with_404(api, world, key):
    private = report(world)
    ServiceRequest.objects.filter(pk=private.pk).update(is_private=True)
    for public_id in ["ZZZZ-ZZZZ", private.public_id]:
        answer = api.post("servicerequestupdates.json", update_form(key, private, service_request_id=public_id))
        assert answer.doc == [{"code": 404, "description": f"service_request_id {public_id} was not found."}]


def test_it_needs_a_valid_key(api, world):
    request = report(world)
    answer = api.post("servicerequestupdates.json", update_form("wrong", request))
    assert answer.doc == [{"code": 403, "description": "Invalid api_key received -- can't proceed with update."}]
    assert answer.status == 403
