"""The nearest address to a map pin, so the page names a place instead of showing coordinates."""

from __future__ import annotations

import pytest
from django.urls import reverse

URL = reverse("core:nearest_address")


def test_it_names_the_address_nearest_the_pin(client, world):
    response = client.get(URL, {"lat": "3.00012", "long": "2.50005"})
    assert response.status_code == 200 and response.json() == {"address": "12 Oak Street"}


def test_it_says_null_when_no_address_is_near(client, world):
    assert client.get(URL, {"lat": "8.0", "long": "8.0"}).json() == {"address": None}


@pytest.mark.parametrize("query", [{}, {"lat": "north", "long": "2.5"}, {"lat": "3", "long": "nan"},
                                   {"lat": "91", "long": "2.5"}, {"lat": "3", "long": "1e400"}])
def test_it_refuses_what_is_not_a_map_position(client, db, query):
    response = client.get(URL, query)
    assert response.status_code == 400 and response.json()["error"]


def test_it_limits_one_client_walking_the_address_list(client, world, settings, monkeypatch):
    from civicdesk.core import views

    settings.RATE_LIMITS_ENABLED = True
    monkeypatch.setattr(views, "NEAREST_ADDRESS_PER_HOUR", 5)
    for _ in range(5):
        assert client.get(URL, {"lat": "3.0", "long": "2.5"}).status_code == 200
    refused = client.get(URL, {"lat": "3.0", "long": "2.5"})
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert refused.json()["error"] == "Too many look-ups from your connection. Try again in an hour."
