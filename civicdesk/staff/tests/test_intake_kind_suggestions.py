"""Agent intake: the caller's words suggest the kind of request beside the kind chooser; one click chooses it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from civicdesk.testing.auth import login_verified
from civicdesk.triage import history

from .people import seat_people

LOOKUP = reverse("staff:intake")


@pytest.fixture
def kinds(world):
    return history.trained_for_tests(world.elm)


def test_it_suggests_kinds_from_the_callers_words(client, world, kinds):
    login_verified(client, seat_people(world).agent)
    response = client.get(LOOKUP, {"phone": "555-0199", "problem": "garbage truck skipped our street again"})
    assert response.context["suggestions"][0].service_type.code == "missed-trash"
    page = response.content.decode()
    assert f'name="service_type" value="{kinds["missed-trash"].pk}"' in page and 'form="caller-lookup"' in page


def test_choosing_the_suggestion_carries_the_words_into_the_report(client, world, kinds):
    login_verified(client, seat_people(world).agent)
    response = client.get(LOOKUP, {"phone": "555-0199", "problem": "garbage truck skipped our street again",
                                   "service_type": kinds["missed-trash"].pk})
    assert response.context["suggestions"] == []
    assert response.context["report_form"]["description"].value() == "garbage truck skipped our street again"


def test_it_suggests_nothing_for_an_emergency(client, world, kinds):
    login_verified(client, seat_people(world).agent)
    response = client.get(LOOKUP, {"problem": "gas leak next to the streetlight"})
    assert response.context["suggestions"] == []
