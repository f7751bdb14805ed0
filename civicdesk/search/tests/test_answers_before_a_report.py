"""Answers before a report: shown under the description (JSON as it is typed; on the page after it is sent),
a followed answer counted once per session and page, and a deflected contact when no report follows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from civicdesk.search import deflection
from civicdesk.search.models import AnswerFollow, SearchEntry
from civicdesk.servicerequests.models import ServiceRequest
from civicdesk.testing.world import IN_WEST_ELM

from .helpers import register_answer_source


@pytest.fixture
def answers(db):
    cache.clear()
    unregister = register_answer_source()
    yield
    unregister()


def bulk_entry(language: str = "en") -> SearchEntry:
    return SearchEntry.objects.get(source="testanswers.page", object_id="bulk", language=language)


def report(**overrides) -> dict:
    data = {"lat": str(IN_WEST_ELM[0]), "long": str(IN_WEST_ELM[1]), "address": "12 Oak Street", "address_id": "A1",
            "description": "Deep hole by the bus stop", "attribute_depth": "deep", "name": "", "email": "",
            "phone": ""}
    data.update(overrides)
    return data


def test_it_answers_a_description_as_it_is_typed(client, world, answers):
    data = client.get("/search/answers.json", {"text": "old mattress to throw away, when is pickup"}).json()
    assert data["count"] >= 1 and data["status"].endswith("may help.")
    first = data["answers"][0]
    assert set(first) == {"title", "label", "extract", "url"}
    assert first["title"] == "When is bulk trash pickup?" and first["url"] == f"/search/answers/{bulk_entry().pk}/"
    assert "<mark>" not in first["extract"] and "mattresses" in first["extract"]
    spanish = client.get("/search/answers.json", {"text": "colchón viejo"}, HTTP_ACCEPT_LANGUAGE="es").json()
    assert spanish["answers"][0]["title"] == "¿Cuándo recogen los objetos voluminosos?"
    assert client.get("/search/answers.json", {"text": "I want to report a problem"}).json() == {
        "count": 0, "status": "", "answers": []}


def test_it_limits_answers_per_client(client, world, answers, settings):
    settings.SEARCH_ANSWERS_PER_CLIENT_PER_MINUTE = 1
    assert client.get("/search/answers.json", {"text": "mattress pickup"}).status_code == 200
    assert client.get("/search/answers.json", {"text": "fence permit"}).status_code == 429
    assert client.get("/search/answers.json", {"text": "mattress pickup"}).status_code == 200  # cached


def test_it_shows_answers_on_the_report_form_after_the_description_is_sent(client, world, answers):
    page = client.post(reverse("intake:details", args=["pothole"]),
                       report(description="When is bulk pickup for an old mattress?", attribute_depth=""))
    html = page.content.decode()
    assert page.status_code == 400 and "Is this what you need?" in html and "When is bulk trash pickup?" in html
    assert f'href="/search/answers/{bulk_entry().pk}/"' in html
    start = client.get(reverse("intake:start"), {"q": "mattress pickup"}).content.decode()
    assert "Is this what you need?" in start and "When is bulk trash pickup?" in start


def test_it_counts_a_followed_answer_once_per_session_and_never_the_description(client, world, answers):
    url = f"/search/answers/{bulk_entry().pk}/"
    first = client.get(url)
    assert first.status_code == 302 and first["Location"] == "/help/answers/bulk/"
    client.get(url)
    follow = AnswerFollow.objects.get()
    assert (follow.source, follow.object_id, follow.channel, follow.came_back) == (
        "testanswers.page", "bulk", "web", False)
    assert follow.title == "When is bulk trash pickup?"
    other = client.__class__()
    other.get(url)
    assert AnswerFollow.objects.count() == 2
    assert client.get("/search/answers/999999/").status_code == 404


def test_it_counts_a_deflected_contact_only_when_no_report_follows(client, world, answers):
    client.get(f"/search/answers/{bulk_entry().pk}/")
    stayed = client.__class__()
    stayed.get(f"/search/answers/{bulk_entry().pk}/")
    stayed.get(f"/search/answers/{SearchEntry.objects.get(source='testanswers.page', object_id='fence', language='en').pk}/")
    response = stayed.post(reverse("intake:details", args=["pothole"]), report())
    assert response.status_code == 302 and ServiceRequest.objects.count() == 1
    assert sorted(AnswerFollow.objects.values_list("object_id", "came_back")) == [
        ("bulk", False), ("bulk", True), ("fence", True)]
    later = timezone.now() + dt.timedelta(hours=AnswerFollow.FINISH_WINDOW_HOURS, minutes=1)
    [row] = [row for row in deflection.counts_by_page(timezone.now() - dt.timedelta(days=1), later, now=later)
             if row["url"] == "/help/answers/bulk/"]
    assert (row["counts"].followed, row["counts"].deflected, row["counts"].came_back, row["counts"].pending) == (
        2, 1, 1, 0)
    now = timezone.now()
    [pending] = [row for row in deflection.counts_by_page(now - dt.timedelta(days=1), now + dt.timedelta(seconds=1),
                                                          now=now) if row["url"] == "/help/answers/bulk/"]
    assert (pending["counts"].deflected, pending["counts"].pending) == (0, 1)


def test_it_does_not_count_past_the_client_limit_but_still_opens_the_answer(client, world, answers, settings):
    settings.SEARCH_FOLLOWS_PER_CLIENT_PER_HOUR = 1
    fence = SearchEntry.objects.get(source="testanswers.page", object_id="fence", language="en")
    client.get(f"/search/answers/{bulk_entry().pk}/")
    response = client.get(f"/search/answers/{fence.pk}/")
    assert response.status_code == 302 and response["Location"] == "/help/answers/fence/"
    assert AnswerFollow.objects.count() == 1


def test_it_counts_agent_follows_separately_and_a_filed_report_as_coming_back(client, world, answers):
    from civicdesk.staff.tests.people import seat_people
    from civicdesk.testing.auth import login_verified

    seats = seat_people(world)
    login_verified(client, seats.agent)
    data = client.get("/search/answers.json", {"text": "mattress pickup", "channel": "agent"}).json()
    assert data["answers"][0]["url"].endswith("?channel=agent")
    client.get(data["answers"][0]["url"])
    assert AnswerFollow.objects.get().channel == "agent"
    response = client.post(reverse("staff:intake_submit", args=[world.pothole.code]), {
        "channel": "phone", "address": "12 Oak Street", "address_id": "A1", "description": "Hole by the bus stop",
        "attribute_depth": "deep", "name": "Rita Reporter", "phone": "555-0199"})
    assert response.status_code == 302
    assert AnswerFollow.objects.get().came_back is True
    anonymous = client.__class__()
    anonymous.get(f"/search/answers/{SearchEntry.objects.get(source='testanswers.page', object_id='pool', language='en').pk}/?channel=agent")
    assert AnswerFollow.objects.get(object_id="pool").channel == "web"  # only staff count as agents


def test_it_shows_the_agent_the_answers_when_the_intake_form_comes_back(client, world, answers):
    from civicdesk.staff.tests.people import seat_people
    from civicdesk.testing.auth import login_verified

    login_verified(client, seat_people(world).agent)
    response = client.post(reverse("staff:intake_submit", args=[world.pothole.code]), {
        "channel": "phone", "address": "12 Oak Street", "address_id": "A1",
        "description": "Caller asks when bulk pickup takes an old mattress", "name": "Rita Reporter"})
    html = response.content.decode()
    assert response.status_code == 400 and "Is this what you need?" in html
    assert "the caller’s question" in html and f'href="/search/answers/{bulk_entry().pk}/?channel=agent"' in html
