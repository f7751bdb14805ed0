"""Finding a request by the tracking number a resident types or reads out over the phone."""

from __future__ import annotations

import pytest
from django.urls import reverse

from civicdesk.servicerequests import services
from civicdesk.servicerequests.models import ServiceRequest
from civicdesk.testing.world import IN_EAST_ELM

URL = reverse("servicerequests:lookup")


@pytest.fixture
def request_7kq4(world) -> ServiceRequest:
    request = services.submit_request(service_type=world.graffiti, lat=IN_EAST_ELM[0], long=IN_EAST_ELM[1])
    ServiceRequest.objects.filter(pk=request.pk).update(public_id="7KQ4-M2XD")
    request.refresh_from_db()
    return request


def test_it_shows_the_form(client, world):
    response = client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="id"' in html and 'role="alert"' not in html


@pytest.mark.parametrize("typed", ["7KQ4-M2XD", "7kq4 m2xd", " 7kq4m2xd ", "7KQ4.M2XD", "7kq4_m2xd"])
def test_it_finds_the_request_however_the_number_is_written(client, request_7kq4, typed):
    response = client.get(URL, {"id": typed})
    assert response.status_code == 302
    assert response["Location"] == "/requests/7KQ4-M2XD/"


def test_it_forgives_letters_that_look_like_digits(client, world):
    request = services.submit_request(service_type=world.graffiti, lat=IN_EAST_ELM[0], long=IN_EAST_ELM[1])
    ServiceRequest.objects.filter(pk=request.pk).update(public_id="10V0-0000")
    assert client.get(URL, {"id": "IOUO-OOOO"})["Location"] == "/requests/10V0-0000/"


def test_it_says_clearly_when_nothing_matches(client, request_7kq4):
    response = client.get(URL, {"id": "7kq4 m2xe"})
    html = response.content.decode()
    assert response.status_code == 404
    assert "We could not find a request with the tracking number “7kq4 m2xe”. Check it and try again." in html
    assert 'value="7kq4 m2xe"' in html  # kept in the box to correct


def test_it_says_the_same_for_something_that_is_not_a_tracking_number(client, world):
    response = client.get(URL, {"id": "not a number"})
    assert response.status_code == 404
    assert "We could not find a request with the tracking number “not a number”" in response.content.decode()


def test_it_escapes_what_was_typed(client, world):
    html = client.get(URL, {"id": "<img src=x onerror=alert(1)>"}).content.decode()
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html


def test_it_does_not_reveal_that_a_private_request_exists(client, request_7kq4):
    request_7kq4.is_private = True
    request_7kq4.save(update_fields=["is_private"])
    response = client.get(URL, {"id": "7KQ4-M2XD"})
    assert response.status_code == 404
    assert "We could not find a request" in response.content.decode()


def test_it_is_reached_from_the_home_page_form(client, request_7kq4):
    html = client.get(reverse("core:home")).content.decode()
    assert f'action="{URL}"' in html and 'name="id"' in html
