"""support_on_behalf(): a caller whose problem is already reported is counted on that request by the agent."""

from __future__ import annotations

import pytest
from django.urls import reverse

from civicdesk.testing.auth import login_verified
from civicdesk.audit.models import AuditEntry
from civicdesk.servicerequests import services
from civicdesk.servicerequests.models import ServiceRequest, Support
from civicdesk.staff.tests.people import seat_people
from civicdesk.testing.world import IN_EAST_ELM, IN_WEST_ELM


@pytest.fixture
def pothole(world):
    return services.submit_request(service_type=world.pothole, lat=IN_WEST_ELM[0], long=IN_WEST_ELM[1],
                                   attributes={"depth": "deep"}, contact_email="rita@example.org")


def test_it_counts_the_caller_once_whatever_way_the_phone_is_written(world, pothole):
    agent = seat_people(world).agent
    assert services.support_on_behalf(pothole, agent=agent, phone="(555) 010-0123") is True
    assert services.support_on_behalf(pothole, agent=agent, phone="555 010 0123") is False
    pothole.refresh_from_db()
    assert pothole.supporters_count == 1
    support = Support.objects.get(request=pothole)
    assert support.user is None and support.session_key == services.caller_key(phone="5550100123")
    assert "0123" not in support.session_key  # the number itself is not stored
    audit = AuditEntry.objects.get(action="servicerequest.supported_on_behalf")
    assert audit.actor == agent and audit.data == {"caller": support.session_key}


def test_it_tells_callers_by_email_and_by_phone_apart(world, pothole):
    agent = seat_people(world).agent
    services.support_on_behalf(pothole, agent=agent, email="Sam@Example.org")
    services.support_on_behalf(pothole, agent=agent, email="sam@example.org ")
    services.support_on_behalf(pothole, agent=agent, phone="555-0100")
    pothole.refresh_from_db()
    assert pothole.supporters_count == 2


def test_it_needs_a_phone_or_email_and_an_open_request(world, pothole):
    agent = seat_people(world).agent
    with pytest.raises(services.RequestRejected):
        services.support_on_behalf(pothole, agent=agent, phone="--")
    services.transition(pothole, world.statuses["fixed"], user=world.bob)
    with pytest.raises(services.RequestRejected):
        services.support_on_behalf(pothole, agent=agent, phone="555-0100")
    assert not Support.objects.exists()


def test_it_shows_nearby_open_requests_of_the_same_kind_before_filing(client, world, pothole):
    services.submit_request(service_type=world.pothole, lat=IN_EAST_ELM[0], long=IN_EAST_ELM[1],
                            attributes={"depth": "deep"}, contact_email="far@example.org")
    # Once the agent has confirmed the address with the caller (the "Is this the right place?" step).
    login_verified(client, seat_people(world).agent)
    response = client.get(reverse("staff:intake"), {"phone": "555-0100", "service_type": world.pothole.pk,
                                                    "address": "12 Oak Street", "address_id": "A1", "confirmed": "1"})
    assert response.status_code == 200, response.get("Location")
    assert [sr.public_id for sr, _metres in response.context["nearby"]] == [pothole.public_id]
    assert f"Add the caller to {pothole.public_id}" in response.content.decode()
    unknown = client.get(reverse("staff:intake"), {"service_type": world.pothole.pk, "address": "Nowhere Lane"})
    assert unknown.context["nearby"] == [] and unknown.context["where_error"]


def test_it_adds_the_caller_from_the_intake_page(client, world, pothole):
    login_verified(client, seat_people(world).agent)
    url = reverse("staff:intake_support", args=[pothole.public_id])
    response = client.post(url, {"phone": "555-0100"}, follow=True)
    pothole.refresh_from_db()
    assert pothole.supporters_count == 1
    assert [str(m) for m in response.context["messages"]] == [
        f"The caller was added to request {pothole.public_id}. Read this tracking number back to them."]
    assert ServiceRequest.objects.count() == 1


def test_it_refuses_a_contractor_and_staff_of_another_jurisdiction(client, world, pothole):
    login_verified(client, seat_people(world).contractor)
    url = reverse("staff:intake_support", args=[pothole.public_id])
    assert client.post(url, {"phone": "555-0100"}).status_code == 403
    login_verified(client, world.dave)
    assert client.post(url, {"phone": "555-0100"}).status_code == 404
    assert not Support.objects.exists()
