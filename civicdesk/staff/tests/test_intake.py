"""Call-centre and counter intake: find the caller's earlier requests, file for them, read the number back."""

from __future__ import annotations

import pytest
from django.urls import reverse

from civicdesk.audit.models import AuditEntry
from civicdesk.servicerequests.models import ServiceRequest
from civicdesk.staff import services as console
from civicdesk.testing.auth import login_verified

from .people import file_requests, seat_people

LOOKUP = reverse("staff:intake")


@pytest.fixture
def cast(world):
    return seat_people(world), file_requests(world)


def submit_url(world) -> str:
    return reverse("staff:intake_submit", args=[world.pothole.code])


REPORT = {"channel": "phone", "address": "12 Oak Street", "address_id": "A1", "description": "Hole by the bus stop",
          "attribute_depth": "deep", "name": "Rita Reporter", "phone": "555-0199"}


def test_it_finds_the_callers_earlier_requests_by_phone_or_email(client, world, cast):
    seats, reqs = cast
    login_verified(client, seats.agent)
    response = client.get(LOOKUP, {"phone": "555-0199", "service_type": world.pothole.pk})
    found = {sr.public_id for sr in response.context["earlier"]}
    assert found == {reqs.pothole.public_id, reqs.garbage.public_id, reqs.triage.public_id}
    assert response.context["report_form"]["phone"].value() == "555-0199"
    by_email = client.get(LOOKUP, {"email": "RITA@example.org"}).context["earlier"]
    assert len(by_email) == 3


def test_it_only_finds_earlier_requests_the_user_may_see_with_contact(world, cast):
    _, reqs = cast
    assert {sr.public_id for sr in console.caller_history(world.carol, phone="555-0199")} == {
        reqs.garbage.public_id, reqs.triage.public_id}
    assert console.caller_history(world.dave, email="rita@example.org")[0].public_id == reqs.county.public_id
    assert console.caller_history(world.bob) == []


def test_it_files_a_phone_report_for_the_caller_and_reads_the_number_back(client, world, cast):
    seats, _ = cast
    login_verified(client, seats.agent)
    response = client.post(submit_url(world), REPORT, follow=True)
    sr = ServiceRequest.objects.get(description="Hole by the bus stop")
    assert sr.channel == "phone" and sr.reporter is None and sr.contact_phone == "555-0199"
    assert sr.address == "12 Oak Street" and sr.department == world.public_works
    assert response.redirect_chain[-1][0] == reverse("staff:detail", args=[sr.public_id])
    assert f"Read the tracking number back to the caller: {sr.public_id}" in response.content.decode()
    assert AuditEntry.objects.get(action="servicerequest.submitted", object_id=str(sr.pk)).actor == seats.agent


def test_it_refuses_an_emergency_and_files_nothing(client, world, cast):
    seats, _ = cast
    login_verified(client, seats.agent)
    before = ServiceRequest.objects.count()
    response = client.post(submit_url(world), {**REPORT, "description": "There is a gas leak"})
    assert response.status_code == 400 and "Call 911 now" in response.content.decode()
    assert ServiceRequest.objects.count() == before


def test_it_shows_missing_answers_next_to_the_form(client, world, cast):
    seats, _ = cast
    login_verified(client, seats.agent)
    response = client.post(submit_url(world), {**REPORT, "attribute_depth": ""})
    assert response.status_code == 400 and "Please answer “How deep is it?”." in response.content.decode()


@pytest.mark.parametrize("seat", ["contractor", "resident"])
def test_it_refuses_seats_that_do_not_take_reports(client, world, cast, seat):
    seats, _ = cast
    login_verified(client, seats.contractor if seat == "contractor" else world.alice)
    before = (ServiceRequest.objects.count(), AuditEntry.objects.count())
    assert client.get(LOOKUP, {"phone": "555-0199"}).status_code == 403
    assert client.post(submit_url(world), REPORT).status_code == 403
    assert (ServiceRequest.objects.count(), AuditEntry.objects.count()) == before


def test_it_lists_kinds_by_group_in_the_citys_words_without_codes(client, world, cast):
    seats, _ = cast
    login_verified(client, seats.agent)
    html = client.get(LOOKUP).content.decode()
    select = html.split('name="service_type"')[1].split("</select>")[0]
    assert "<optgroup" in select and ">Pothole</option>" in select
    assert "(pothole)" not in select and "(graffiti)" not in select


def test_it_confirms_a_typed_address_on_the_map_before_the_report_form(client, world, cast):
    seats, _ = cast
    login_verified(client, seats.agent)
    response = client.get(LOOKUP, {"phone": "555-0199", "service_type": world.pothole.pk, "address": "12 oak stret"})
    html = response.content.decode()
    assert response.context["report_form"] is None  # nothing to file before the caller confirms
    assert "Is this the right place?" in html and "<strong>12 Oak Street</strong>" in html
    assert 'name="phone" value="555-0199"' in html  # the lookup is carried along
    confirmed = client.get(LOOKUP, {"phone": "555-0199", "service_type": world.pothole.pk, "address": "12 Oak Street",
                                    "address_id": "A1", "confirmed": "1"})
    form = confirmed.context["report_form"]
    assert form["address_id"].value() == "A1" and form["address"].value() == "12 Oak Street"
    page = confirmed.content.decode()
    assert 'data-pin-lat="3.000100"' in page and 'data-input-lat="report_lat"' in page
    assert "Confirmed with the caller: <strong>12 Oak Street</strong>" in page


def test_it_never_files_a_typed_address_the_agent_has_not_chosen(client, world, cast):
    seats, _ = cast
    login_verified(client, seats.agent)
    typed = {**REPORT, "address": "12 Oak Stret", "address_id": ""}
    response = client.post(submit_url(world), typed)
    html = response.content.decode()
    assert response.status_code == 400 and not ServiceRequest.objects.filter(description="Hole by the bus stop")
    assert "Read the address back to the caller and choose it below." in html
    assert 'name="address_id" id="address-choice-1" value="A1"' in html
    client.post(submit_url(world), {**typed, "address_id": "A1"})
    assert ServiceRequest.objects.get(description="Hole by the bus stop").address == "12 Oak Street"


def test_it_offers_the_callers_name_from_earlier_requests_whatever_the_phone_format(client, world, cast):
    seats, reqs = cast
    login_verified(client, seats.agent)
    for typed in ["+1 555 0199", "(555) 0199", "5550199"]:
        response = client.get(LOOKUP, {"phone": typed, "service_type": world.pothole.pk})
        form = response.context["report_form"]
        assert form["name"].value() == "Rita Reporter", typed
        assert form["email"].value() == "rita@example.org"
        assert "From the caller's earlier request" in response.content.decode()
    assert client.get(LOOKUP, {"phone": "555-0198", "service_type": world.pothole.pk}
                      ).context["report_form"]["name"].value() in (None, "")


def test_it_files_in_the_callers_language(client, world, cast):
    seats, _ = cast
    login_verified(client, seats.agent)
    client.post(submit_url(world), {**REPORT, "language": "es"})
    assert ServiceRequest.objects.get(description="Hole by the bus stop").language == "es"
