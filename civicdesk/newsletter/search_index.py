"""Sent newsletter issues (the public archive) as search results; drafts never."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from civicdesk.search.registry import Document, Source, in_each_language, only, register


def issue_documents(ids=None):
    from .models import Issue

    for issue in only(Issue.objects.filter(status=Issue.Status.SENT), ids).order_by("pk"):
        def build(language, issue=issue):
            return Document(object_id=str(issue.pk), language=language, title=issue.subject, body=issue.intro,
                            url=issue.get_absolute_url(), jurisdiction_id=issue.jurisdiction_id,
                            dated=issue.sent_at)
        yield from in_each_language(build)


def register_sources() -> None:
    register(Source(name="newsletter.issue", kind="newsletter", label=_("Newsletter"), model="newsletter.Issue",
                    documents=issue_documents, order=60))
