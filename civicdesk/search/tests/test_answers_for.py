"""services.answers_for(): the answer pages that match a resident's own description, and only relevant ones."""

from __future__ import annotations

import pytest

from civicdesk.notices.tests.helpers import make_notice
from civicdesk.search.services import answers_for, sync_all

from .helpers import register_answer_source


@pytest.fixture
def answers(db):
    unregister = register_answer_source()
    yield
    unregister()


def titles(description: str, language: str = "en", **kwargs) -> list[str]:
    return [answer.title for answer in answers_for(description, language, **kwargs)]


def test_it_offers_the_page_that_answers_a_description(answers):
    assert titles("My old mattress is too big for the trash, when do you pick up big items?")[0] == \
        "When is bulk trash pickup?"
    assert titles("the bin was not emptied this week")[0] == "My garbage was not collected"
    assert titles("building a fence in my back yard, do I need a permit")[0] == "Do I need a permit for a fence?"


def test_it_speaks_spanish_with_and_without_accents(answers):
    assert titles("no vaciaron mi contenedor de basura", "es")[0] == "No recogieron mi basura"
    assert titles("permiso para una cerca", "es")[0] == "¿Necesito un permiso para una cerca?"
    assert titles("¿cuándo recogen colchones?", "es") == titles("cuando recogen colchones", "es")


def test_it_shows_nothing_for_weak_matches(answers):
    assert titles("I want to report a problem please, thanks") == []  # no word about any subject
    assert titles("a dog barking on my street all night") == []  # one passing word is not enough
    assert titles("zqxnothing") == []
    assert titles("") == []


def test_it_offers_only_pages_of_answer_sources(answers, world):
    make_notice(world, title_en="Mattress recycling day", body_en="Bring your mattress to the depot.")
    sync_all()
    found = answers_for("where can I leave an old mattress", "en")
    assert [answer.url for answer in found] == ["/help/answers/bulk/"]
    assert found[0].label == "Answers" and "<mark>mattresses</mark>" in found[0].extract


def test_it_keeps_other_jurisdictions_pages_out(world):
    unregister = register_answer_source({"elm": {"en": ("Elm leaf vacuum", "Leaves are vacuumed in Elm.")}},
                                        name="testanswers.elm", jurisdiction_id=world.elm.pk)
    try:
        assert titles("leaf vacuum", jurisdiction=world.elm) == ["Elm leaf vacuum"]
        assert titles("leaf vacuum", jurisdiction=world.county.pk) == []
        assert titles("leaf vacuum") == ["Elm leaf vacuum"]
    finally:
        unregister()


def test_it_escapes_what_the_pages_say_and_limits_the_number(db):
    pages = {f"p{n}": {"en": (f"Hydrant <b>flushing</b> {n}", "Hydrant flushing <script>x</script> week.")}
             for n in range(6)}
    unregister = register_answer_source(pages)
    try:
        found = answers_for("hydrant flushing", "en")
        assert len(found) == 3 and "<script>" not in found[0].extract
        assert len(answers_for("hydrant flushing", "en", limit=5)) == 5
    finally:
        unregister()


def test_it_answers_nothing_without_answer_sources(db):
    assert answers_for("when is bulk trash pickup", "en") == []
