"""services.search(): stems, languages, accents, prefixes, partial matches, spelling, kinds, jurisdictions."""

from __future__ import annotations

from civicdesk.notices.models import ServiceNotice
from civicdesk.notices.tests.helpers import make_notice
from civicdesk.search.services import search, sync_all

from .helpers import indexed_catalogue, result_codes


def test_it_finds_kinds_of_problem_by_stem_prefix_and_language(db):
    indexed_catalogue()
    assert result_codes(search("potholes", language="en"))[:1] == ["pothole"]
    assert "streetlight-out" in result_codes(search("streetl", language="en"))  # a word being typed
    assert result_codes(search("baches", language="es"))[:1] == ["pothole"]
    spanish = search("bache", language="es")
    assert spanish.results[0].title == "Bache"  # the Spanish entry, in Spanish
    # A Spanish word on the English site still finds the kind of problem (keywords of every language).
    assert result_codes(search("bache", language="en"))[:1] == ["pothole"]


def test_it_answers_with_pages_that_have_some_words_when_none_has_all(db):
    indexed_catalogue()
    every = search("water main", language="en")
    assert not every.partial and result_codes(every)[:1] == ["water-main-break"]
    some = search("rats zebra", language="en")
    assert some.partial and result_codes(some)[:1] == ["rodents"]


def test_it_corrects_a_misspelled_word_and_says_so(db):
    indexed_catalogue()
    found = search("potholle", language="en")
    assert found.corrected == "pothole" and result_codes(found)[:1] == ["pothole"]
    assert search("qwxzvb", language="en").total == 0


def test_it_finds_nothing_for_nothing_and_survives_hostile_input(db):
    indexed_catalogue()
    assert search("", language="en").total == 0
    assert search("?!  ...", language="en").total == 0
    for hostile in ('"', "pothole\"*)", "NEAR(a b)", "a:b", "'); drop table x; --", "pothole:*", "x & y | !z"):
        search(hostile, language="en")  # no database error, whatever it finds


def test_it_filters_by_kind_and_counts_every_kind(world):
    make_notice(world, title_en="Pothole repair blitz on Oak Street", body_en="Crews fill potholes all week.")
    sync_all()
    everything = search("pothole", language="en")
    assert everything.by_kind["service"] >= 1 and everything.by_kind["news"] == 1
    news = search("pothole", language="en", kinds=["news"])
    assert [r.title for r in news.results] == ["Pothole repair blitz on Oak Street"]
    assert news.total == 1 and news.by_kind == everything.by_kind


def test_it_ranks_a_title_match_above_a_passing_mention(world):
    make_notice(world, title_en="Leaf collection starts Monday", body_en="Rake leaves to the curb.")
    make_notice(world, title_en="Road work", body_en="Crews will also pick up leaf bags after the collection.")
    sync_all()
    assert [r.title for r in search("leaf collection", language="en").results][:1] == ["Leaf collection starts Monday"]


def test_it_keeps_other_jurisdictions_pages_out_when_asked(world):
    make_notice(world, title_en="Bridge closure downtown", jurisdiction=world.elm)
    make_notice(world, title_en="Bridge inspection county wide", jurisdiction=world.county)
    sync_all()
    assert search("bridge", language="en").total == 2
    assert [r.title for r in search("bridge", language="en", jurisdiction_id=world.county.pk).results] == [
        "Bridge inspection county wide"]


def test_it_pages_results(world):
    for n in range(25):
        make_notice(world, title_en=f"Hydrant flushing week {n}", kind=ServiceNotice.Kind.NEWS)
    sync_all()
    first = search("hydrant", language="en", page_size=10)
    third = search("hydrant", language="en", page_size=10, page=3)
    assert (first.total, first.pages, len(first.results), len(third.results)) == (25, 3, 10, 5)
    assert not {r.url for r in first.results} & {r.url for r in third.results}


def test_it_reads_the_last_word_as_a_start_only_when_the_whole_word_finds_nothing(world):
    make_notice(world, title_en="Park cleanup day")
    make_notice(world, title_en="Parkway lane closure")
    sync_all()
    assert [r.title for r in search("park", language="en").results] == ["Park cleanup day"]
    assert [r.title for r in search("parkw", language="en").results] == ["Parkway lane closure"]


def test_it_caps_the_counts_and_says_there_are_more(client, world, monkeypatch):
    from civicdesk.search import services

    monkeypatch.setattr(services, "COUNT_CAP", 2)
    for n in range(3):
        make_notice(world, title_en=f"Zqculvert cleaning {n}", kind=ServiceNotice.Kind.NEWS)
    sync_all()
    found = search("zqculvert", language="en")
    assert found.by_kind == {"news": 2} and found.more == {"news"} and found.total_more
    assert found.count_label("news") == "2+" and len(found.results) == 3  # ranking is not capped
    html = client.get("/search/", {"q": "zqculvert"}).content.decode()
    assert "More than 2 results" in html and "(2+)" in html


def test_it_completes_a_word_being_typed_from_the_stored_words(world):
    make_notice(world, title_en="Zqgutter cleaning", body_en="Crews clear zqgutters and zqguttering.")
    make_notice(world, title_en="Storm drains", body_en="Keep the zqgutter grates clear.")
    sync_all()
    assert [r.title for r in search("zqgutt", language="en").results] == ["Zqgutter cleaning", "Storm drains"]
    assert [r.title for r in search("storm zqgut", language="en").results] == ["Storm drains"]
