"""The Riverbend demo's help content: every topic, article, question and term is public and renders in English
, Spanish and Arabic; one article (written in English only on purpose) shows the "not yet translated" notice."""

from __future__ import annotations

import pytest
from django.urls import reverse

from civicdesk.cities.riverbend import Riverbend

from ..models import Article, FaqEntry, GlossaryTerm, HelpfulVote, Topic


@pytest.fixture
def demo(db, settings):
    settings.CITY_PACK = "civicdesk.cities.riverbend.Riverbend"
    Riverbend().seed_demo(requests=0)


def test_it_loads_enough_published_content(demo):
    assert Article.objects.public().count() >= 10
    assert FaqEntry.objects.public().count() >= 15
    assert GlossaryTerm.objects.public().count() >= 15
    assert Topic.objects.public().count() >= 5
    assert HelpfulVote.objects.exists()
    assert all(a.reviewed_by_id != a.updated_by_id for a in Article.objects.all())


@pytest.mark.parametrize("language", ["en", "es", "ar"])
def test_it_renders_every_help_page_in_each_language(client, demo, language):
    client.cookies["django_language"] = language
    urls = [reverse("content:hub"), reverse("content:topics"), reverse("content:faq"), reverse("content:glossary")]
    urls += [t.get_absolute_url() for t in Topic.objects.public()]
    urls += [a.get_absolute_url() for a in Article.objects.public()]
    notices = 0
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        notices += 'data-testid="fallback-notice"' in response.content.decode()
    assert notices == (0 if language == "en" else 1)


def test_it_writes_every_item_in_arabic_but_the_one_left_in_english_on_purpose(demo):
    items = [*Topic.objects.all(), *FaqEntry.objects.all(), *GlossaryTerm.objects.all(), *Article.objects.all()]
    untranslated = [item for item in items if "ar" in item.missing_languages()]
    assert len(untranslated) == 1 and "es" in untranslated[0].missing_languages()


def test_it_links_glossary_terms_in_demo_articles(client, demo):
    html = client.get(reverse("content:article", args=["trash-and-recycling-collection"])).content.decode()
    assert 'href="/help/glossary/#term-curb"' in html


def test_it_keeps_a_demo_article_live_with_a_change_in_review(client, demo):
    from civicdesk.editorial.models import PendingChange, Status

    change = PendingChange.objects.get()
    article = Article.objects.get(pk=change.object_id)
    assert change.status == Status.IN_REVIEW and article.is_public()
    assert "holiday weeks" in change.data["summary"]["en"] and "holiday" not in article.summary["en"]
