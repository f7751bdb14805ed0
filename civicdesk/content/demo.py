"""Demo help content for a city pack: topics, articles, FAQ and glossary from a JSON file (English and Spanish;
one article on purpose in English only, to show the "not yet translated" notice), written by one editor and
approved by another through the editorial workflow (one article with a change waiting for review), and a few
"was this page helpful?" answers."""

from __future__ import annotations

import json
from pathlib import Path

from civicdesk.catalog.models import ServiceType
from civicdesk.editorial import services

from .models import Article, FaqEntry, GlossaryTerm, HelpfulVote, Topic

DATA = Path(__file__).parent / "data"


def _publish(obj, writer, reviewer, m2m: dict | None = None):
    def after_save():
        for name, values in (m2m or {}).items():
            getattr(obj, name).set(values)

    services.save_draft(obj, user=writer, after_save=after_save)
    services.submit_for_review(obj, user=writer)
    services.approve(obj, user=reviewer)
    return obj


def seed(*, jurisdiction, writer, reviewer, name: str = "riverbend") -> str:
    """Load data/<name>.json for `jurisdiction`; returns a one-line summary. `writer` and `reviewer` must be
    two different editors (or admins) of the jurisdiction."""
    data = json.loads((DATA / f"{name}.json").read_text(encoding="utf-8"))
    topics = {}
    for item in data["topics"]:
        topics[item["slug"]] = _publish(Topic(jurisdiction=jurisdiction, slug=item["slug"], order=item["order"],
                                              title=item["title"], summary=item["summary"]), writer, reviewer)
    for item in data["glossary"]:
        _publish(GlossaryTerm(jurisdiction=jurisdiction, slug=item["slug"], term=item["term"],
                              definition=item["definition"], other_forms=item.get("other_forms", {})),
                 writer, reviewer)
    faqs = []
    for item in data["faqs"]:
        faqs.append(_publish(FaqEntry(jurisdiction=jurisdiction, order=item["order"], question=item["question"],
                                      answer=item["answer"]), writer, reviewer,
                             {"topics": [topics[slug] for slug in item["topics"]]}))
    types = {t.code: t for t in ServiceType.objects.all()}
    articles = []
    for item in data["articles"]:
        articles.append(_publish(
            Article(jurisdiction=jurisdiction, slug=item["slug"], featured=item["featured"], title=item["title"],
                    summary=item["summary"], body=item["body"]), writer, reviewer,
            {"topics": [topics[slug] for slug in item["topics"]], "faqs": [faqs[i] for i in item["faqs"]],
             "service_types": [types[code] for code in item["service_types"] if code in types]}))
    for article, answers in zip(articles, data.get("helpful", [])):
        HelpfulVote.objects.bulk_create(HelpfulVote(article=article, helpful=yes, comment=comment, language=lang)
                                        for yes, comment, lang in answers)
    change = data.get("pending_change")
    if change:  # a published article with an edit waiting for review: residents still see the live summary
        edited = Article.objects.get(pk=articles[change["article"]].pk)
        edited.summary = change["summary"]
        services.save_draft(edited, user=writer)
        services.submit_for_review(edited, user=writer)
    return (f"{len(topics)} topics, {len(articles)} articles, {len(faqs)} questions, "
            f"{len(data['glossary'])} glossary terms")
