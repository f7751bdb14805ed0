"""/report/suggest.json: "Is this about …?" as the resident types, behind the emergency guard and a per-client limit."""

from __future__ import annotations

import pytest
from django.urls import reverse

from civicdesk.testing.auth import login_verified
from civicdesk.triage import history

URL = reverse("intake:suggest")


@pytest.fixture
def kinds(world):
    return history.trained_for_tests(world.elm)


def test_it_suggests_kinds_for_the_words_with_links_to_report_them(client, world, kinds):
    data = client.get(URL, {"text": "the light in front of my house is out", "field": "category-search"}).json()
    assert data["codes"][0] == "streetlight-out" and not data["emergency"]
    assert reverse("intake:where", args=["streetlight-out"]) in data["html"]
    assert "Is this about “Streetlight out”?" in data["html"] and data["status"]
    assert 'id="category-search-kinds-heading"' in data["html"]


def test_it_gives_agents_buttons_that_choose_the_kind_in_their_form(client, world, kinds):
    world.bob.is_staff = True
    login_verified(client, world.bob)
    data = client.get(URL, {"text": "nobody picked up our trash this week", "for": "agent"}).json()
    assert f'name="service_type" value="{kinds["missed-trash"].pk}"' in data["html"]
    assert 'form="caller-lookup"' in data["html"]
    # Residents asking "for agent" get the resident's links.
    client.logout()
    assert "<button" not in client.get(URL, {"text": "nobody picked up our trash", "for": "agent"}).json()["html"]


def test_it_suggests_nothing_when_the_words_read_like_an_emergency(client, world, kinds):
    data = client.get(URL, {"text": "gas leak by the streetlight in front of my house"}).json()
    assert data == {"codes": [], "status": "", "html": data["html"], "emergency": True}
    assert "Is this about" not in data["html"]


def test_it_suggests_nothing_without_a_model_or_words(client, world):
    history.install_kinds(["pothole", "noise"])
    assert client.get(URL, {"text": "the light in front of my house is out"}).json()["codes"] == []
    assert client.get(URL).json()["codes"] == []


def test_it_never_echoes_the_words_or_a_hostile_field_id(client, world, kinds):
    data = client.get(URL, {"text": "<script>alert('suggestcanary')</script> streetlight out",
                            "field": '"><script>fieldcanary</script>'}).json()
    assert "suggestcanary" not in data["html"] and "<script" not in data["html"]
    # The field id is cut down to letters, digits, "-" and "_".
    assert 'id="scriptfieldcanaryscript-kinds-heading"' in data["html"]


def test_it_limits_each_client(client, world, kinds, settings):
    settings.KIND_SUGGESTIONS_PER_CLIENT_PER_MINUTE = 2
    for _ in range(2):
        assert client.get(URL, {"text": "streetlight out"}).status_code == 200
    limited = client.get(URL, {"text": "streetlight out"})
    assert limited.status_code == 429 and int(limited["Retry-After"]) > 0
    other = client.get(URL, {"text": "streetlight out"}, REMOTE_ADDR="198.51.100.7")
    assert other.status_code == 200


def test_it_reads_the_fitted_model_once_per_process(client, world, kinds, django_assert_max_num_queries):
    client.get(URL, {"text": "warm up the cache"})
    # The limit (4), the emergency phrases (2, cached outside tests), the jurisdictions, the active version's id
    # and hash, the suggested kinds: never the model's bytes again.
    with django_assert_max_num_queries(9) as queries:
        client.get(URL, {"text": "the light in front of my house is out"})
    assert not [q for q in queries.captured_queries if '"pipeline"' in q["sql"]]
