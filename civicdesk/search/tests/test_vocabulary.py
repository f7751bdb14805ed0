"""The stored vocabulary (SearchWord): kept equal to the entries as they are added, rewritten and removed."""

from __future__ import annotations

from civicdesk.notices.tests.helpers import make_notice
from civicdesk.search.models import SearchWord
from civicdesk.search.services import rebuild_vocabulary, sync_all

from .helpers import register_answer_source


def words(language: str = "en", kind: str = SearchWord.WORD) -> dict[str, int]:
    return dict(SearchWord.objects.filter(language=language, kind=kind).values_list("word", "entries"))


def test_it_counts_the_words_of_what_is_written_and_forgets_what_goes(world):
    notice = make_notice(world, title_en="Zqhydrant flushing", body_en="Zqhydrant crews on Elm.")
    make_notice(world, title_en="Zqhydrant painting")
    sync_all()
    assert words()["zqhydrant"] == 2 and words()["flushing"] == 1
    notice.title_en = "Zqvalve flushing"
    notice.body_en = "Crews on Elm."
    notice.save()
    sync_all()
    assert words()["zqhydrant"] == 1 and words()["zqvalve"] == 1
    notice.delete()
    sync_all()
    assert "zqvalve" not in words() and "flushing" not in words() and words()["zqhydrant"] == 1
    before = words()
    rebuild_vocabulary()
    assert words() == before


def test_it_counts_the_terms_of_answer_pages_and_the_pages(db):
    unregister = register_answer_source()
    try:
        terms = words(kind=SearchWord.ANSWER_TERM)
        assert terms[""] >= 2  # the answer pages in English
        assert 1 <= terms["mattress"] <= terms[""]  # a stem, counted once per page
        assert "mattresses" not in terms
    finally:
        unregister()
    assert words(kind=SearchWord.ANSWER_TERM) == {}
