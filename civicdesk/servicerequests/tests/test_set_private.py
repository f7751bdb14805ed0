"""set_private(): a private request leaves public pages and Open311; staff still work on it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from civicdesk.testing.auth import login_verified
from civicdesk.audit.models import AuditEntry
from civicdesk.servicerequests import services
from civicdesk.servicerequests.models import ServiceRequest
from civicdesk.staff.tests.people import seat_people
from civicdesk.testing.world import IN_EAST_ELM


@pytest.fixture
def graffiti(world):
    return services.submit_request(service_type=world.graffiti, lat=IN_EAST_ELM[0], long=IN_EAST_ELM[1],
                                   description="Tag naming a neighbour")


def test_it_marks_the_request_private_and_public_again(world, graffiti):
    entry = services.set_private(graffiti, private=True, user=world.bob, reason="Names a person")
    graffiti.refresh_from_db()
    assert graffiti.is_private and not entry.is_public and "Names a person" in entry.message
    assert not ServiceRequest.objects.public().filter(pk=graffiti.pk).exists()
    services.set_private(graffiti, private=False, user=world.bob)
    graffiti.refresh_from_db()
    assert not graffiti.is_private
    actions = list(AuditEntry.objects.filter(action="servicerequest.privacy_changed").order_by("id")
                   .values_list("data__private", flat=True))
    assert actions == [True, False]


def test_it_refuses_to_mark_it_what_it_already_is(world, graffiti):
    with pytest.raises(services.RequestRejected):
        services.set_private(graffiti, private=False, user=world.bob)
    assert not AuditEntry.objects.filter(action="servicerequest.privacy_changed").exists()


def test_it_hides_a_private_request_from_public_pages_and_open311(client, world, graffiti):
    before = client.get("/open311/v2/requests.json", {"jurisdiction_id": world.elm.open311_id})
    assert graffiti.public_id in before.content.decode()
    services.set_private(graffiti, private=True, user=world.bob)
    assert client.get(reverse("servicerequests:track", args=[graffiti.public_id])).status_code == 404
    api = client.get(f"/open311/v2/requests/{graffiti.public_id}.json", {"jurisdiction_id": world.elm.open311_id})
    listed = client.get("/open311/v2/requests.json", {"jurisdiction_id": world.elm.open311_id})
    assert api.status_code == 404 and "Tag naming" not in api.content.decode()
    assert listed.status_code == 200 and graffiti.public_id not in listed.content.decode()


def test_it_is_set_from_the_staff_page_and_refused_to_an_agent(client, world, graffiti):
    login_verified(client, seat_people(world).agent)
    url = reverse("staff:set_privacy", args=[graffiti.public_id])
    assert client.post(url, {"private": "1"}).status_code == 403
    login_verified(client, world.bob)
    response = client.post(url, {"private": "1"}, follow=True)
    graffiti.refresh_from_db()
    assert graffiti.is_private
    assert [str(m) for m in response.context["messages"]] == ["The request is now private."]
