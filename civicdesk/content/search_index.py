"""Articles, questions and answers and glossary terms as search sources (public, current items only)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from civicdesk.lib.markdown import plain_text
from civicdesk.search.registry import Document, Source, in_each_language, only, register

from .models import Article, FaqEntry, GlossaryTerm

#: Whether search's Source takes `answers=True` (pages offered while a resident types a report). The
#: `searchplus` branch adds it; set this to True when merging it.
SEARCH_HAS_ANSWERS = False
_BODY_LIMIT = 20000


def _answers() -> dict:
    return {"answers": True} if SEARCH_HAS_ANSWERS else {}


def article_documents(ids=None):
    for article in only(Article.objects.public().select_related("jurisdiction"), ids):
        def build(language, article=article):
            title = article.text("title", language).text
            body = " ".join([article.text("summary", language).text,
                             plain_text(article.text("body", language).text, _BODY_LIMIT)])
            return Document(object_id=str(article.pk), language=language, title=title, body=body,
                            url=article.get_absolute_url(), jurisdiction_id=article.jurisdiction_id,
                            dated=article.publish_at)
        yield from in_each_language(build)


def faq_documents(ids=None):
    for entry in only(FaqEntry.objects.public().select_related("jurisdiction"), ids):
        def build(language, entry=entry):
            return Document(object_id=str(entry.pk), language=language, title=entry.text("question", language).text,
                            body=plain_text(entry.text("answer", language).text, _BODY_LIMIT),
                            url=entry.get_absolute_url(), jurisdiction_id=entry.jurisdiction_id,
                            dated=entry.publish_at)
        yield from in_each_language(build)


def glossary_documents(ids=None):
    for term in only(GlossaryTerm.objects.public().select_related("jurisdiction"), ids):
        def build(language, term=term):
            return Document(object_id=str(term.pk), language=language, title=term.text("term", language).text,
                            body=plain_text(term.text("definition", language).text, _BODY_LIMIT),
                            url=term.get_absolute_url(), jurisdiction_id=term.jurisdiction_id,
                            keywords=" ".join(term.forms(language)))
        yield from in_each_language(build)


def register_sources() -> None:
    register(Source(name="content.article", kind="article", label=_("Help articles"), model="content.Article",
                    documents=article_documents, order=20, **_answers()))
    register(Source(name="content.faq", kind="faq", label=_("Questions and answers"), model="content.FaqEntry",
                    documents=faq_documents, order=21, **_answers()))
    register(Source(name="content.glossary", kind="glossary", label=_("Glossary"), model="content.GlossaryTerm",
                    documents=glossary_documents, order=22))
