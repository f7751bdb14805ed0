"""The help hub's public pages: hub, topics, articles, FAQ, glossary; fallback notice; escaping; query counts."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from civicdesk.editorial import services

from .helpers import article, editors, faq, publish, term, topic


@pytest.fixture
def published(world):
    erin, eve = editors(world)
    trash = publish(topic(world), erin, eve)
    entry = publish(faq(world, answer="Every Tuesday at the curb."), erin, eve)
    entry.topics.set([trash])
    item = article(world, featured=True)
    publish(item, erin, eve)
    item.topics.set([trash])
    item.faqs.set([entry])
    item.service_types.set([world.garbage])
    publish(term(world, "curb", "curb", "The edge of the street.", es_name="bordillo"), erin, eve)
    return {"topic": trash, "faq": entry, "article": item, "erin": erin, "eve": eve}


def test_it_shows_the_hub_with_topics_featured_articles_and_sections(client, published):
    html = client.get(reverse("content:hub")).content.decode()
    assert "Trash and recycling" in html and "Bulk item pickup" in html
    for name in ("content:faq", "content:glossary", "content:topics"):
        assert f'href="{reverse(name)}"' in html


def test_it_shows_an_article_with_related_questions_services_and_the_helpful_form(client, published):
    html = client.get(published["article"].get_absolute_url()).content.decode()
    assert "<h1>Bulk item pickup</h1>" in html and "Put bulky items at the curb on Monday." not in html
    assert 'Put bulky items at the <a class="cd-term" href="/help/glossary/#term-curb">curb</a> on Monday.' in html
    assert "When is trash collected?" in html and "Every Tuesday at the curb." in html  # linked once only
    assert reverse("intake:where", args=[published["article"].service_types.get().code]) in html
    assert "Was this page helpful?" in html
    assert 'data-testid="fallback-notice"' not in html


def test_it_shows_the_spanish_text_and_a_notice_when_spanish_is_missing(client, published, world):
    with translation.override("es"):
        html = client.get(published["article"].get_absolute_url(), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Recogida de objetos grandes" in html and 'data-testid="fallback-notice"' not in html
    erin, eve = published["erin"], published["eve"]
    english_only = publish(article(world, "english-only", title={"en": "Only in English"}, summary={},
                                   body={"en": "Plain words."}), erin, eve)
    client.cookies["django_language"] = "es"
    html = client.get(english_only.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Only in English" in html and 'data-testid="fallback-notice"' in html
    assert 'lang="en"' in html


def test_it_groups_the_faq_by_topic_with_anchors(client, published):
    html = client.get(reverse("content:faq")).content.decode()
    anchor = published["faq"].anchor()
    assert f'href="#{anchor}"' in html and f'id="{anchor}"' in html
    assert html.index("Trash and recycling") < html.index("When is trash collected?")


def test_it_lists_the_glossary_a_to_z(client, published, world):
    publish(term(world, "alley", "alley", "A narrow lane."), published["erin"], published["eve"])
    html = client.get(reverse("content:glossary")).content.decode()
    assert html.index("alley") < html.index("The edge of the street.")
    assert 'id="term-curb"' in html


def test_it_gives_404_for_drafts_and_scheduled_items(client, world):
    erin, eve = editors(world)
    draft = article(world, "secret-draft")
    services.save_draft(draft, user=erin)
    assert client.get(draft.get_absolute_url()).status_code == 404
    import datetime as dt

    from django.utils import timezone

    later = publish(article(world, "later"), erin, eve, publish_at=timezone.now() + dt.timedelta(days=1))
    assert client.get(later.get_absolute_url()).status_code == 404
    assert "later" not in client.get(reverse("content:hub")).content.decode()


CANARY = '<script>alert("pwnquokka")</script><b>boldquokka</b>'


def test_it_renders_script_and_html_in_every_field_as_text(client, world):
    erin, eve = editors(world)
    trash = publish(topic(world, title=CANARY, es=CANARY), erin, eve)
    entry = publish(faq(world, question=CANARY, answer=CANARY), erin, eve)
    entry.topics.set([trash])
    item = publish(article(world, title={"en": CANARY}, summary={"en": CANARY}, body={"en": CANARY},
                           featured=True), erin, eve)
    item.faqs.set([entry])
    item.topics.set([trash])
    publish(term(world, "quokka", CANARY, CANARY, other_forms=CANARY), erin, eve)
    for url in (reverse("content:hub"), item.get_absolute_url(), reverse("content:faq"),
                reverse("content:glossary"), trash.get_absolute_url()):
        html = client.get(url).content.decode()
        assert "<script>alert" not in html and "<b>boldquokka" not in html, url
        assert "pwnquokka" in html, url


def test_it_keeps_the_public_list_pages_queries_bounded(client, world, django_assert_max_num_queries):
    erin, eve = editors(world)
    trash = publish(topic(world), erin, eve)
    for number in range(5):
        entry = publish(faq(world, question=f"Question {number}?"), erin, eve)
        entry.topics.set([trash])
        publish(article(world, f"article-{number}", featured=True), erin, eve).topics.set([trash])
        publish(term(world, f"term-{number}", f"term{number}", "Meaning."), erin, eve)
    for url in (reverse("content:hub"), reverse("content:faq"), reverse("content:glossary"),
                trash.get_absolute_url()):
        client.get(url)
        with django_assert_max_num_queries(8):
            client.get(url)
