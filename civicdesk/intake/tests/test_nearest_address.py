"""/report/nearest-address.json: the address nearest a dropped pin, for the map's spoken status."""

from __future__ import annotations

from django.urls import reverse

from civicdesk.testing.world import IN_EAST_ELM, IN_WEST_ELM

URL = reverse("intake:nearest_address")


def test_it_names_the_nearest_address(client, world):
    assert client.get(URL, {"lat": IN_WEST_ELM[0], "long": IN_WEST_ELM[1]}).json() == {"address": "12 Oak Street"}


def test_it_answers_nothing_far_from_every_address(client, world):
    assert client.get(URL, {"lat": IN_EAST_ELM[0], "long": IN_EAST_ELM[1]}).json() == {"address": ""}


def test_it_refuses_words_for_numbers(client, world):
    assert client.get(URL, {"lat": "here", "long": "there"}).status_code == 400
