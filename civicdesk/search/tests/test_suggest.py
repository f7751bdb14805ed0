"""GET /search/suggest.json: suggestions as you type, in JSON, public pages only, cached, limited per client."""

from __future__ import annotations

from django.core.cache import cache

from civicdesk.notices.models import ServiceNotice
from civicdesk.notices.tests.helpers import make_notice
from civicdesk.search.services import sync_all


def test_it_suggests_public_pages_from_the_start_of_a_word(client, world):
    make_notice(world, title_en="Streetlight repairs this week", kind=ServiceNotice.Kind.NEWS)
    sync_all()
    data = client.get("/search/suggest.json", {"q": "streetl"}).json()
    assert set(data) == {"query", "count", "status", "suggestions"}
    assert data["query"] == "streetl" and data["count"] == len(data["suggestions"]) >= 1
    assert data["status"] == f"{data['count']} suggestion{'s' if data['count'] > 1 else ''}."
    first = data["suggestions"][0]
    assert set(first) == {"title", "url", "label"}
    assert "Streetlight repairs this week" in [s["title"] for s in data["suggestions"]]


def test_it_never_suggests_drafts_or_private_kinds(client, world):
    make_notice(world, title_en="Zqdraftcanary closure", publish=False)
    world.records.name = "Zqprivatecanary records"
    world.records.save()
    sync_all()
    assert client.get("/search/suggest.json", {"q": "zqdraftcanary"}).json()["suggestions"] == []
    assert client.get("/search/suggest.json", {"q": "zqprivatecanary"}).json()["suggestions"] == []


def test_it_answers_nothing_for_a_short_or_empty_query(client, world):
    for typed in ("", "s", " "):
        assert client.get("/search/suggest.json", {"q": typed}).json() == {
            "query": typed.strip(), "count": 0, "status": "", "suggestions": []}


def test_it_limits_each_client_but_serves_cached_answers(client, world, settings):
    settings.SEARCH_SUGGESTIONS_PER_CLIENT_PER_MINUTE = 2
    cache.clear()
    assert client.get("/search/suggest.json", {"q": "pothole"}).status_code == 200
    assert client.get("/search/suggest.json", {"q": "graffiti"}).status_code == 200
    refused = client.get("/search/suggest.json", {"q": "streetlight"})
    assert refused.status_code == 429 and "Press Enter to search" in refused.json()["error"]
    assert int(refused["Retry-After"]) > 0
    assert client.get("/search/suggest.json", {"q": "pothole"}).status_code == 200  # cached: not counted


def test_it_asks_the_database_a_bounded_number_of_times(client, world, django_assert_max_num_queries):
    for n in range(20):
        make_notice(world, title_en=f"Hydrant flushing week {n}", kind=ServiceNotice.Kind.NEWS)
    sync_all()
    cache.clear()
    with django_assert_max_num_queries(11):  # PostgreSQL: one more, the planner settings of a search
        data = client.get("/search/suggest.json", {"q": "hydrant"}).json()
    assert data["count"] == 6


def test_it_corrects_a_typo_when_nothing_matches_what_was_typed(client, world):
    make_notice(world, title_en="Fence permit rules", kind=ServiceNotice.Kind.NEWS)
    make_notice(world, title_en="Primrose planting day", kind=ServiceNotice.Kind.NEWS)
    sync_all()
    titles = [s["title"] for s in client.get("/search/suggest.json", {"q": "prmit"}).json()["suggestions"]]
    assert titles == ["Fence permit rules"]
    typing = [s["title"] for s in client.get("/search/suggest.json", {"q": "prim"}).json()["suggestions"]]
    assert typing == ["Primrose planting day"]  # a word being typed is not corrected
