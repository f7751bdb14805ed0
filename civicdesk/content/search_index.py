"""Articles, questions and answers and glossary terms as search sources (public, current items only)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from civicdesk.lib.markdown import plain_text
from civicdesk.search.registry import Document, Source, in_each_language, only, register

from .models import Article, FaqEntry, GlossaryTerm

_BODY_LIMIT = 20000


def _answers() -> dict:
    """Articles and FAQ entries are offered while a resident types a report (search's answers)."""
    return {"answers": True}


def _documents(queryset, ids, *, title: str, body: tuple[str, ...], markdown: str, keywords=None):
    """A Document per public item and language: `title` field as title, the `body` fields' text (the
    `markdown` one as plain words) as body."""
    for item in only(queryset.public().select_related("jurisdiction"), ids):
        def build(language, item=item):
            words = [plain_text(item.text(name, language).text, _BODY_LIMIT) if name == markdown
                     else item.text(name, language).text for name in body]
            return Document(object_id=str(item.pk), language=language, title=item.text(title, language).text,
                            body=" ".join(words), url=item.get_absolute_url(), jurisdiction_id=item.jurisdiction_id,
                            dated=item.publish_at, keywords=keywords(item, language) if keywords else "")
        yield from in_each_language(build)


def article_documents(ids=None):
    return _documents(Article.objects, ids, title="title", body=("summary", "body"), markdown="body")


def faq_documents(ids=None):
    return _documents(FaqEntry.objects, ids, title="question", body=("answer",), markdown="answer")


def glossary_documents(ids=None):
    return _documents(GlossaryTerm.objects, ids, title="term", body=("definition",), markdown="definition",
                      keywords=lambda term, language: " ".join(term.forms(language)))


def register_sources() -> None:
    register(Source(name="content.article", kind="article", label=_("Help articles"), model="content.Article",
                    documents=article_documents, order=20, **_answers()))
    register(Source(name="content.faq", kind="faq", label=_("Questions and answers"), model="content.FaqEntry",
                    documents=faq_documents, order=21, **_answers()))
    register(Source(name="content.glossary", kind="glossary", label=_("Glossary"), model="content.GlossaryTerm",
                    documents=glossary_documents, order=22))
