"""submit_request(): the one way every channel creates a request."""

from __future__ import annotations

import pytest
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from civicdesk.audit.models import AuditEntry
from civicdesk.lib.ids import PUBLIC_ID_RE
from civicdesk.notifications.models import Delivery
from civicdesk.servicerequests import services, tasks
from civicdesk.servicerequests.models import Channel, ServiceRequest, TimelineEntry
from civicdesk.testing.world import IN_COUNTY_ONLY, IN_EAST_ELM, IN_WEST_ELM, OUTSIDE_EVERYTHING


def submit(world, **overrides):
    data = dict(service_type=world.pothole, lat=IN_EAST_ELM[0], long=IN_EAST_ELM[1],
                description="Big hole by the bus stop", attributes={"depth": "deep"}, channel=Channel.WEB)
    data.update(overrides)
    return services.submit_request(**data)


def test_it_saves_a_request_with_a_readable_tracking_number(world):
    request = submit(world)
    assert PUBLIC_ID_RE.match(request.public_id)
    assert request.status.code == "submitted" and request.is_open
    assert request.jurisdiction == world.elm and request.district == world.east
    assert request.department == world.public_works
    assert request.attributes == {"depth": "deep"}


def test_it_records_the_routing_decision_on_the_internal_timeline(world):
    request = submit(world)
    routed = request.timeline.get(kind=TimelineEntry.Kind.ROUTED)
    assert not routed.is_public
    assert "Public Works" in routed.message and "rule #" in routed.message
    assert request.routing_note == routed.message


def test_it_writes_a_public_first_entry_and_an_audit_entry(world):
    request = submit(world)
    first = request.public_timeline().first()
    assert first.kind == TimelineEntry.Kind.SUBMITTED
    assert AuditEntry.objects.filter(action="servicerequest.submitted", object_id=str(request.pk)).count() == 1


def acknowledgement_tasks():
    return DBTaskResult.objects.filter(task_path="civicdesk.servicerequests.tasks.acknowledge")


def test_it_queues_the_acknowledgement_in_the_same_transaction(world):
    request = submit(world, contact_email="zed@example.org")
    [task] = acknowledgement_tasks()
    assert task.args_kwargs["kwargs"]["request_pk"] == request.pk
    assert not Delivery.objects.exists()  # rendered by the worker, not during the submission
    tasks.acknowledge.call(**task.args_kwargs["kwargs"])
    delivery = Delivery.objects.get(event="request.received", request=request)
    assert delivery.address == "zed@example.org" and request.public_id in delivery.subject
    assert delivery.status == Delivery.Status.SENT


def test_it_writes_one_task_row_and_the_worker_queues_the_area_alert_matching(world):
    request = submit(world, contact_email="zed@example.org")
    assert list(DBTaskResult.objects.values_list("task_path", flat=True)) == [
        "civicdesk.servicerequests.tasks.acknowledge"]
    [task] = acknowledgement_tasks()
    tasks.acknowledge.call(**task.args_kwargs["kwargs"])
    [fan_out] = DBTaskResult.objects.filter(task_path="civicdesk.alerts.tasks.fan_out_area_alert")
    assert fan_out.args_kwargs["args"] == [request.pk, "new"]


def test_it_queues_no_area_alert_matching_for_a_request_made_private_before_the_worker_ran(world):
    request = submit(world, contact_email="zed@example.org")
    ServiceRequest.objects.filter(pk=request.pk).update(is_private=True)
    tasks.acknowledge.call(request_pk=request.pk, acknowledged_on=[])
    assert not DBTaskResult.objects.filter(task_path="civicdesk.alerts.tasks.fan_out_area_alert").exists()


def test_it_queues_no_acknowledgement_when_the_submission_rolls_back(world):
    with pytest.raises(RuntimeError), transaction.atomic():
        submit(world, contact_email="zed@example.org")
        raise RuntimeError("the caller's transaction fails after the submission")
    assert not ServiceRequest.objects.exists() and not acknowledgement_tasks().exists()


def test_it_acknowledges_once_when_the_task_runs_twice(world):
    request = submit(world, contact_email="zed@example.org")
    assert tasks.acknowledge.call(request_pk=request.pk, acknowledged_on=[]) == 1
    assert tasks.acknowledge.call(request_pk=request.pk, acknowledged_on=[]) == 0
    assert Delivery.objects.filter(event="request.received", request=request).count() == 1


def test_it_takes_a_new_tracking_number_when_the_random_one_is_taken(world, monkeypatch):
    taken = submit(world)
    numbers = iter([taken.public_id, "ZZZZ-ZZZZ"])
    monkeypatch.setattr(services, "new_public_id", lambda: next(numbers))
    request = submit(world)
    assert request.public_id == "ZZZZ-ZZZZ" and ServiceRequest.objects.count() == 2
    assert request.timeline.count() == 2 and acknowledgement_tasks().count() == 2


def test_it_routes_to_the_smallest_jurisdiction_holding_the_point(world):
    town = submit(world)
    county = submit(world, service_type=world.graffiti, lat=IN_COUNTY_ONLY[0], long=IN_COUNTY_ONLY[1],
                    attributes={})
    assert town.jurisdiction == world.elm
    assert county.jurisdiction == world.county and county.department == world.roads


def test_it_rejects_a_pin_outside_every_jurisdiction_and_names_who_we_serve(world):
    with pytest.raises(services.RequestRejected) as exc:
        submit(world, lat=OUTSIDE_EVERYTHING[0], long=OUTSIDE_EVERYTHING[1])
    message = exc.value.errors["location"][0]
    assert "outside the area we serve" in message and "Town of Elm" in message
    assert ServiceRequest.objects.count() == 0


def test_it_rejects_nonsense_coordinates(world):
    with pytest.raises(services.RequestRejected) as exc:
        submit(world, lat="north", long=3)
    assert "not a valid map position" in exc.value.errors["location"][0]
    with pytest.raises(services.RequestRejected):
        submit(world, lat=91, long=3)


def test_it_finds_the_place_from_a_typed_address_with_a_typo(world):
    request = submit(world, lat=None, long=None, address="12 Oak Stret")
    assert request.address == "12 Oak Street" and request.address_id == "A1"
    assert request.district == world.west


def test_it_rejects_an_address_it_cannot_find(world):
    with pytest.raises(services.RequestRejected) as exc:
        submit(world, lat=None, long=None, address="999 Nowhere Boulevard")
    assert "could not find" in exc.value.errors["location"][0]


def test_it_snaps_a_pin_to_the_nearest_address(world):
    request = submit(world, lat=IN_WEST_ELM[0], long=IN_WEST_ELM[1])
    assert request.address == "12 Oak Street"


def test_it_validates_answers_to_the_category_questions(world):
    with pytest.raises(services.RequestRejected) as exc:
        submit(world, attributes={})
    assert exc.value.errors["attribute[depth]"] == ["Please answer “How deep is it?”."]
    with pytest.raises(services.RequestRejected) as exc:
        submit(world, attributes={"depth": "bottomless"})
    assert "not one of the choices" in exc.value.errors["attribute[depth]"][0]
    assert ServiceRequest.objects.count() == 0


def test_it_requires_contact_details_where_the_category_does(world):
    with pytest.raises(services.RequestRejected) as exc:
        submit(world, service_type=world.garbage, attributes={})
    assert "email" in exc.value.errors
    request = submit(world, service_type=world.garbage, attributes={}, contact_email="Resident@Example.org ")
    assert request.contact_email == "resident@example.org"


def test_it_rejects_a_badly_written_email(world):
    with pytest.raises(services.RequestRejected) as exc:
        submit(world, contact_email="not-an-email")
    assert exc.value.errors["email"] == ["Enter a valid email address, like name@example.com."]


def test_it_sends_a_request_without_a_matching_rule_to_triage(world):
    world.pothole.routing_rules.clear()
    request = submit(world)
    assert request.department is None
    assert "triage" in request.routing_note


def test_it_stores_the_residents_language(world):
    request = submit(world, language="es")
    assert request.language == "es"


def test_it_refuses_an_inactive_service_type(world):
    world.pothole.is_active = False
    world.pothole.save()
    with pytest.raises(services.RequestRejected) as exc:
        submit(world)
    assert "service_code" in exc.value.errors


def test_it_marks_requests_of_private_types_private(world):
    request = submit(world, service_type=world.records, attributes={}, contact_email="a@example.org")
    assert request.is_private
    assert not ServiceRequest.objects.public().filter(pk=request.pk).exists()
