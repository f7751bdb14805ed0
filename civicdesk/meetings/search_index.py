"""Published meetings (agenda text and, afterwards, minutes) as search results; drafts never."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from civicdesk.search.registry import Document, Source, in_each_language, only, register


def meeting_documents(ids=None):
    from .models import Meeting

    for meeting in only(Meeting.objects.published(), ids).order_by("pk"):
        def build(language, meeting=meeting):
            return Document(object_id=str(meeting.pk), language=language, title=meeting.title,
                            body="\n".join(part for part in (meeting.body, meeting.minutes) if part),
                            keywords=f"{meeting.get_kind_display()}\n{meeting.address}",
                            url=meeting.get_absolute_url(), jurisdiction_id=meeting.jurisdiction_id,
                            dated=meeting.starts_at)
        yield from in_each_language(build)


def register_sources() -> None:
    register(Source(name="meetings.meeting", kind="meeting", label=_("Meetings"), model="meetings.Meeting",
                    documents=meeting_documents, order=30))
