"""Typo tolerance: a misspelled short word (3–5 letters) finds the right pages (one edit; two for longer
words; the more frequent word of the index on a tie), the page says "Showing results for …", and a link
searches for exactly what was typed."""

from __future__ import annotations

from civicdesk.notices.models import ServiceNotice
from civicdesk.notices.tests.helpers import make_notice
from civicdesk.search.services import closest_word, correct, search, sync_all


def _content(world):
    make_notice(world, title_en="Fence permit rules", body_en="A permit is needed for fences over six feet.",
                kind=ServiceNotice.Kind.NEWS)
    make_notice(world, title_en="Trash pickup moves to Tuesday", body_en="Put your trash out by 7 a.m.",
                kind=ServiceNotice.Kind.NEWS)
    make_notice(world, title_en="Park cleanup day", body_en="Join us at Riverside park.", kind=ServiceNotice.Kind.NEWS)
    make_notice(world, title_en="Pork roast fundraiser", body_en="At the fire hall.", kind=ServiceNotice.Kind.NEWS)
    sync_all()


def titles(query: str, **kwargs) -> list[str]:
    return [r.title for r in search(query, language="en", kinds=["news"], **kwargs).results]


def test_it_corrects_a_typo_in_a_short_word(world):
    _content(world)
    assert titles("prmit") == ["Fence permit rules"]
    assert titles("tras") == ["Trash pickup moves to Tuesday"]
    assert titles("prk")[:1] == ["Park cleanup day"]  # "park" is in more pages than "pork"
    assert search("prmit", language="en").corrected == "permit"


def test_it_corrects_a_word_beside_a_correct_one(world):
    _content(world)
    found = search("fence prmit", language="en", kinds=["news"])
    assert [r.title for r in found.results] == ["Fence permit rules"]
    assert found.corrected == "fence permit" and not found.partial


def test_it_allows_one_edit_in_short_words_and_two_in_long_ones():
    known = {"permit": 3, "park": 5, "pork": 1, "collection": 2}
    assert closest_word("prk", known) == "park"
    assert closest_word("pmt", known) == ""  # two edits from "permit"'s nearest short cousin: too far
    assert closest_word("colection", known) == "collection"
    assert closest_word("cllectoin", known) == "collection"  # two edits (a swap counts as one)


def test_it_leaves_stop_words_numbers_and_known_words_alone(world):
    _content(world)
    assert correct("the park", "en") == ""
    assert correct("311", "en") == ""


def test_it_shows_the_correction_and_a_link_to_search_exactly(client, world):
    _content(world)
    html = client.get("/search/", {"q": "prmit"}).content.decode()
    assert "Showing results for “permit”." in html and "Fence permit rules" in html
    assert "?q=prmit&amp;exact=1" in html
    exact = client.get("/search/", {"q": "prmit", "exact": "1"}).content.decode()
    assert "No results" in exact and "Showing results for" not in exact
    spanish = client.get("/search/", {"q": "tubria"}, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Mostrando resultados de “tuberia”." in spanish and "Reparación de tubería en Oak Street" in spanish
