"""Articles, FAQ and glossary as search sources: public items only, in every language."""

from __future__ import annotations

from civicdesk.editorial import services
from civicdesk.search import registry
from civicdesk.search import services as search

from .helpers import article, editors, faq, publish, term


def _urls(query, language):
    return {hit.url for hit in search.search(query, language=language).results}


def test_it_finds_published_articles_faq_and_terms_in_english_and_spanish(world):
    erin, eve = editors(world)
    item = publish(article(world, body={"en": "Wallabyword bulky items", "es": "Canguropalabra recogida"}), erin, eve)
    entry = publish(faq(world, question="Where is the wallabyfaq?"), erin, eve)
    glossary = publish(term(world, "wallabyterm", "wallabyterm", "A word."), erin, eve)
    search.sync_all()
    assert item.get_absolute_url() in _urls("wallabyword", "en")
    assert item.get_absolute_url() in _urls("canguropalabra", "es")
    assert entry.get_absolute_url() in _urls("wallabyfaq", "en")
    assert glossary.get_absolute_url() in _urls("wallabyterm", "en")
    assert glossary.get_absolute_url() in _urls("wallabyterm", "es")  # English text in Spanish search


def test_it_finds_spanish_text_with_and_without_accents(world):
    erin, eve = editors(world)
    item = publish(article(world, body={"en": "Plain", "es": "Recogida de basura en el jardín botánico"}), erin, eve)
    search.sync_all()
    assert item.get_absolute_url() in _urls("jardín botánico", "es")
    assert item.get_absolute_url() in _urls("jardin botanico", "es")


def test_it_leaves_drafts_out_of_every_source(world):
    erin, _eve = editors(world)
    for obj in (article(world, title={"en": "Koalasecret"}), faq(world, question="Koalasecret?"),
                term(world, "koalasecret", "koalasecret", "Hidden.")):
        services.save_draft(obj, user=erin)
    search.sync_all()
    assert _urls("koalasecret", "en") == set()


def test_it_registers_the_three_sources():
    names = {source.name for source in registry.sources()}
    assert {"content.article", "content.faq", "content.glossary"} <= names


def test_it_declares_articles_and_faq_as_answers():
    assert registry.get("content.article").answers and registry.get("content.faq").answers
    assert not registry.get("content.glossary").answers
