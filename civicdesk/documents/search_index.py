"""Public library documents as search results: title, summary and the current version's extracted text."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _

from civicdesk.search.registry import Document as SearchDocument
from civicdesk.search.registry import Source, in_each_language, only, register


def library_documents(ids=None):
    """One entry per public document and site language: the title and summary in that language (falling back
    to the default one), the kind and topics as hidden keywords, and the current version's text. The text is
    in the document's own language, so its entry in that language stems it as written; the other languages'
    entries carry it too, so a resident finds a document whatever language the site is shown in."""
    from .models import Document

    documents = (only(Document.objects.public(), ids).select_related("current_version", "department")
                 .order_by("pk"))
    for document in documents:
        def build(language, document=document):
            version = document.current_version
            summary = document.summary_text(language)
            body = "\n".join(part for part in (summary, version.text if version else "") if part)
            keywords = "\n".join(part for part in (document.get_kind_display(), document.topics,
                                                   document.department.name if document.department else "")
                                 if part)
            dated = document.dated()
            return SearchDocument(
                object_id=str(document.pk), language=language, title=document.title_text(language), body=body,
                keywords=keywords, url=document.get_absolute_url(), jurisdiction_id=document.jurisdiction_id,
                dated=dt.datetime.combine(dated, dt.time(12), dt.timezone.utc) if dated else None)
        yield from in_each_language(build)


def register_sources() -> None:
    register(Source(name="documents.document", kind="document", label=_("Documents"), model="documents.Document",
                    documents=library_documents, order=35))
