"""GET servicerequestupdates.{xml,json}: public status changes and notes in a time window."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.utils import timezone

from civicdesk.open311.services import issue_api_key
from civicdesk.servicerequests import services
from civicdesk.servicerequests.models import ServiceRequest, TimelineEntry

from .conftest import ELM, report

NOW = dt.datetime(2025, 3, 4, 16, 0, tzinfo=dt.timezone.utc)


def updates(api, fmt="json", **params):
    return api.get(f"servicerequestupdates.{fmt}", {"jurisdiction_id": ELM, **params})


@time_machine.travel(NOW, tick=False)
def test_it_lists_public_changes_and_notes_oldest_first_with_the_status_at_the_time(api, world):
    request = report(world)
    services.transition(request, world.statuses["fixed"], message="Filled")
    reopened = services.transition(request, world.statuses["in_progress"])
    note = services.add_note(request, message="Crew back on site")
    closed = services.transition(request, world.statuses["fixed"], message="Done")
    with time_machine.travel(NOW + dt.timedelta(minutes=1), tick=False):
        answer = updates(api)
    assert [(u["status"], u["external_status_code"], u["description"]) for u in answer.doc] == [
        ("closed", "fixed", "Filled"), ("open", "in_progress", None), ("open", "in_progress", "Crew back on site"),
        ("closed", "fixed", "Done")]
    assert answer.doc[2] == {"update_id": str(note.pk), "service_request_id": request.public_id, "status": "open",
                             "updated_datetime": "2025-03-04T10:00:00-06:00", "description": "Crew back on site",
                             "media_url": None, "external_status_code": "in_progress"}
    assert [u["update_id"] for u in answer.doc][1:4:2] == [str(reopened.pk), str(closed.pk)]


def test_it_leaves_out_internal_entries_private_requests_and_other_places(api, world):
    request = report(world)
    services.transition(request, world.statuses["investigating"], message="Mayor's cousin", public=False)
    TimelineEntry.objects.create(request=request, kind=TimelineEntry.Kind.INTERNAL_NOTE, message="Do not tell")
    private = report(world)
    ServiceRequest.objects.filter(pk=private.pk).update(is_private=True)
    services.add_note(private, message="Private")
    services.add_note(report(world, lat=8.0, long=8.0, service_type=world.graffiti, attributes={}),
                      message="In the county")
    services.support(request, session_key="s1")
    assert updates(api).doc == []


def test_it_defaults_to_the_last_two_hours(api, world):
    with time_machine.travel(timezone.now() - dt.timedelta(hours=3)):
        request = report(world)
        services.add_note(request, message="Old news")
    services.add_note(request, message="Fresh")
    assert [u["description"] for u in updates(api).doc] == ["Fresh"]
    start = (timezone.now() - dt.timedelta(hours=4)).isoformat()
    assert [u["description"] for u in updates(api, start_date=start).doc] == ["Old news", "Fresh"]


def test_it_leaves_out_the_callers_own_pushed_updates(api, world):
    request = report(world)
    _, fms_key = issue_api_key(name="FixMyStreet")
    pushed = api.post("servicerequestupdates.json", {
        "api_key": fms_key, "jurisdiction_id": ELM, "service_request_id": request.public_id, "update_id": "1",
        "status": "OPEN", "updated_datetime": "2025-01-01T00:00:00Z", "description": "From FMS",
        "media_url": "https://fms.example.org/1.jpeg"})
    assert pushed.status == 200
    services.add_note(request, message="From the city")
    assert [u["description"] for u in updates(api, api_key=fms_key).doc] == ["From the city"]
    assert [(u["description"], u["media_url"]) for u in updates(api).doc] == [
        ("From FMS", "https://fms.example.org/1.jpeg"), ("From the city", None)]


def test_it_lists_updates_in_xml_as_fixmystreet_reads_them(api, world):
    request = report(world)
    services.add_note(request, message="Crew on the way")
    doc = updates(api, "xml").doc
    assert doc["request_update"][0]["service_request_id"] == request.public_id
    assert doc["request_update"][0]["media_url"] is None


def test_it_refuses_a_window_wider_than_90_days(api, world):
    assert updates(api, start_date="2025-01-01T00:00:00Z", end_date="2025-06-01T00:00:00Z").status == 400


def test_it_lists_one_or_fifty_updates_in_the_same_few_queries(api, world, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _, fms_key = issue_api_key(name="FixMyStreet")
    services.add_note(report(world), message="First")

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            updates(api)
        return len(captured)

    one = count()
    for n in range(49):
        request = report(world, service_type=world.graffiti, attributes={})
        api.post("servicerequestupdates.json", {
            "api_key": fms_key, "jurisdiction_id": ELM, "service_request_id": request.public_id,
            "update_id": str(n), "status": "CLOSED", "updated_datetime": "2025-01-01T00:00:00Z",
            "media_url": "https://fms.example.org/1.jpeg"})
    with django_assert_max_num_queries(3):  # jurisdiction, updates, statuses
        assert len(updates(api).doc) == 50
    assert count() == one
