"""Published news and service notices as search results (drafts never)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from civicdesk.search.registry import Document, Source, in_each_language, only, register


def notice_documents(ids=None):
    from .models import ServiceNotice

    for notice in only(ServiceNotice.objects.published(), ids).order_by("pk"):
        def build(language, notice=notice):
            return Document(object_id=str(notice.pk), language=language, title=notice.title, body=notice.body,
                            url=notice.get_absolute_url(), jurisdiction_id=notice.jurisdiction_id,
                            dated=notice.starts_at or notice.published_at)
        yield from in_each_language(build)


def register_sources() -> None:
    register(Source(name="notices.servicenotice", kind="news", label=_("News and service notices"),
                    model="notices.ServiceNotice", documents=notice_documents, order=20))
