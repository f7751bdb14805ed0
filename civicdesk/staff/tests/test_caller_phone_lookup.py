"""Call-centre look-up and console search find a caller's requests however the number is typed (E.164)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse

from civicdesk.servicerequests import services
from civicdesk.staff import services as console
from civicdesk.testing.auth import login_verified
from civicdesk.testing.world import IN_WEST_ELM

from .people import seat_people

SEARCHES = [line.strip() for line in (Path(__file__).resolve().parents[1] / "data" / "caller_phone_searches.txt")
            .read_text(encoding="utf-8").splitlines() if line.strip() and not line.startswith("#")]


@pytest.fixture
def filed(world):
    seats = seat_people(world)
    request = services.submit_request(service_type=world.pothole, lat=IN_WEST_ELM[0], long=IN_WEST_ELM[1],
                                      attributes={"depth": "deep"}, contact_name="Pat Caller",
                                      contact_phone="217-555-0142")
    services.submit_request(service_type=world.pothole, lat=IN_WEST_ELM[0], long=IN_WEST_ELM[1],
                            attributes={"depth": "deep"}, contact_name="Someone Else", contact_phone="217-555-0143")
    return seats, request


def test_it_stores_the_phone_in_e164(filed):
    assert filed[1].contact_phone == "+12175550142"


@pytest.mark.parametrize("typed", SEARCHES)
def test_it_finds_the_caller_in_the_intake_look_up_however_the_number_is_typed(client, filed, typed):
    seats, request = filed
    login_verified(client, seats.agent)
    response = client.get(reverse("staff:intake"), {"phone": typed})
    assert [sr.public_id for sr in response.context["earlier"]] == [request.public_id]
    assert [sr.public_id for sr in console.caller_history(seats.agent, phone=typed)] == [request.public_id]


@pytest.mark.parametrize("typed", SEARCHES)
def test_it_finds_the_caller_in_the_console_search_however_the_number_is_typed(client, world, filed, typed):
    _, request = filed
    login_verified(client, world.bob)
    response = client.get(reverse("staff:queues"), {"queue": "all", "q": typed})
    assert [sr.public_id for sr in response.context["rows"]] == [request.public_id]
