"""The public log's entries as site-search results: number and public summary only (never the requester)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from civicdesk.search.registry import Document, Source, in_each_language, only, register


def records_documents(ids=None):
    from .models import RecordsRequest

    rows = only(RecordsRequest.objects.in_log(), ids).select_related("application").order_by("pk")
    for records in rows:
        def build(language, records=records):
            return Document(object_id=str(records.pk), language=language,
                            title=f"{records.number}: {records.public_summary[:120]}",
                            body=records.public_summary, url=records.get_absolute_url(),
                            jurisdiction_id=records.application.jurisdiction_id,
                            dated=records.application.submitted_at)
        yield from in_each_language(build)


def register_sources() -> None:
    register(Source(name="records.recordsrequest", kind="records", label=_("Public records requests"),
                    model="records.RecordsRequest", documents=records_documents, order=60))
