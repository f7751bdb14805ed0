"""The report start page understands sentences: "Is this about …?" from the category suggester, without JavaScript."""

from __future__ import annotations

import pytest
from django.urls import reverse

from civicdesk.triage import history

URL = reverse("intake:start")


@pytest.fixture
def kinds(world):
    return history.trained_for_tests(world.elm)


def test_it_offers_the_suggested_kinds_for_a_sentence(client, world, kinds):
    response = client.get(URL, {"q": "the light in front of my house is out"})
    assert response.context["suggestions"][0].service_type.code == "streetlight-out"
    page = response.content.decode()
    assert "Is this about “Streetlight out”?" in page
    assert f'href="{reverse("intake:where", args=["streetlight-out"])}"' in page


def test_it_reads_spanish_sentences(client, world, kinds):
    response = client.get(URL, {"q": "no recogieron la basura de mi casa esta semana"})
    assert response.context["suggestions"][0].service_type.code == "missed-trash"


def test_it_leaves_one_word_searches_to_the_list(client, world, kinds):
    response = client.get(URL, {"q": "graffiti"})
    assert "suggestions" not in response.context


def test_it_shows_the_emergency_alert_and_no_suggestion_for_an_emergency(client, world, kinds):
    response = client.get(URL, {"q": "there is a gas leak at the streetlight by my house"})
    assert response.context["emergency_number"] and "suggestions" not in response.context
    assert "Is this about" not in response.content.decode()


def test_it_never_suggests_a_private_kind(client, world, kinds):
    response = client.get(URL, {"q": "I want copies of the public records and documents about my street"})
    assert "records-request" not in [s.service_type.code for s in response.context.get("suggestions", [])]


def test_it_renders_the_search_words_as_text(client, world, kinds):
    page = client.get(URL, {"q": "<b>startcanary</b> light out on my street"}).content.decode()
    assert "<b>startcanary" not in page and "&lt;b&gt;startcanary" in page
