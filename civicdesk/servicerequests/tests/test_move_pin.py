"""move_pin(): a request moved to where the problem really is gets its district, and its route when asked."""

from __future__ import annotations

import pytest
from django.urls import reverse

from civicdesk.testing.auth import login_verified
from civicdesk.audit.models import AuditEntry
from civicdesk.servicerequests import services
from civicdesk.staff.tests.people import seat_people
from civicdesk.testing.world import IN_COUNTY_ONLY, IN_EAST_ELM, IN_WEST_ELM


@pytest.fixture
def graffiti(world):
    return services.submit_request(service_type=world.graffiti, lat=IN_WEST_ELM[0], long=IN_WEST_ELM[1])


def test_it_moves_the_pin_and_finds_the_district_again(world, graffiti):
    department = graffiti.department_id
    entry = services.move_pin(graffiti, lat=IN_EAST_ELM[0], long=IN_EAST_ELM[1], user=world.bob)
    assert (graffiti.lat, graffiti.long) == IN_EAST_ELM
    assert graffiti.district == world.east and graffiti.department_id == department
    assert not entry.is_public and entry.data["moved"]["from"] == list(IN_WEST_ELM)
    audit = AuditEntry.objects.get(action="servicerequest.pin_moved")
    assert audit.data["before"]["district"] == world.west.pk and audit.data["district"] == world.east.pk


def test_it_routes_again_when_the_pin_lands_in_another_jurisdiction(world, graffiti):
    county_request = services.submit_request(service_type=world.graffiti, lat=IN_COUNTY_ONLY[0],
                                             long=IN_COUNTY_ONLY[1])
    services.move_pin(graffiti, lat=IN_COUNTY_ONLY[0], long=IN_COUNTY_ONLY[1], user=world.dave)
    assert graffiti.jurisdiction == world.county
    assert graffiti.department_id == county_request.department_id
    assert graffiti.routing_note == county_request.routing_note
    assert AuditEntry.objects.get(action="servicerequest.pin_moved").data["jurisdiction"] == world.county.pk


def test_it_refuses_a_point_outside_every_jurisdiction_or_the_same_point(world, graffiti):
    with pytest.raises(services.RequestRejected):
        services.move_pin(graffiti, lat=-60.0, long=-60.0, user=world.bob)
    with pytest.raises(services.RequestRejected):
        services.move_pin(graffiti, lat=IN_WEST_ELM[0], long=IN_WEST_ELM[1], user=world.bob)
    graffiti.refresh_from_db()
    assert (graffiti.lat, graffiti.long) == IN_WEST_ELM
    assert not AuditEntry.objects.filter(action="servicerequest.pin_moved").exists()


def test_it_moves_the_pin_from_the_staff_page_but_not_for_an_agent(client, world):
    pothole = services.submit_request(service_type=world.pothole, lat=IN_WEST_ELM[0], long=IN_WEST_ELM[1],
                                      attributes={"depth": "deep"})
    login_verified(client, seat_people(world).agent)
    data = {"lat": IN_EAST_ELM[0], "long": IN_EAST_ELM[1]}
    assert client.post(reverse("staff:move_pin", args=[pothole.public_id]), data).status_code == 403
    login_verified(client, world.bob)
    response = client.post(reverse("staff:move_pin", args=[pothole.public_id]), data, follow=True)
    pothole.refresh_from_db()
    assert (pothole.lat, pothole.long) == IN_EAST_ELM
    assert [str(m) for m in response.context["messages"]] in (["Pin moved."],
                                                              ["Pin moved; the request was routed out of your queues."])
