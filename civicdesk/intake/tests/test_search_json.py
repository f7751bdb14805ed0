"""/report/search.json: the live filter's answer, with the same ranking and emergency check as the page."""

from __future__ import annotations

from django.urls import reverse

from civicdesk.triage.services import load_emergency_phrases

URL = reverse("intake:search")


def test_it_answers_the_ranked_codes_and_a_status_line(client, world):
    answer = client.get(URL, {"q": "baches"}).json()
    assert answer["codes"] == ["pothole"] and answer["count"] == 1
    assert answer["status"] == "1 match for “baches”."
    assert answer["emergency"] is False and answer["emergency_number"] is None


def test_it_says_when_the_words_read_like_an_emergency(client, world):
    load_emergency_phrases()
    answer = client.get(URL, {"q": "i smell gas"}).json()
    assert answer["emergency"] is True and answer["emergency_number"] == "911"


def test_it_answers_in_the_readers_language(client, world):
    answer = client.get(URL, {"q": "zzz"}, HTTP_ACCEPT_LANGUAGE="es").json()
    assert answer["status"] == "0 resultados para “zzz”."


def test_it_never_lists_private_types_and_answers_an_empty_query_with_nothing(client, world):
    assert client.get(URL, {"q": "records"}).json()["codes"] == []
    assert client.get(URL).json() == {"query": "", "codes": [], "count": 0, "status": "", "emergency": False}
