"""Forum threads in the site search: a published thread with its published replies; hidden or held ones never.

Built from `visible()` like every other public surface, so a moderator's decision reaches the index when it
commits (a reply's save re-indexes its thread) and the search app's 5-minute sync catches anything else.
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from civicdesk.lib.markdown import plain_text
from civicdesk.search.registry import Document, Source, in_each_language, only, register

#: Characters of a thread's text (opening post and replies) put in the index; the search app keeps 20,000.
INDEXED = 20000


def thread_documents(ids=None):
    from .models import Reply, Thread

    replies = Prefetch("replies", queryset=Reply.objects.visible().order_by("created_at", "id"),
                       to_attr="published_replies")
    threads = only(Thread.objects.visible(), ids).select_related("board").prefetch_related(replies).order_by("pk")
    for thread in threads:
        text = "\n".join([thread.body] + [reply.body for reply in thread.published_replies])

        def build(language, thread=thread, text=text):
            return Document(object_id=str(thread.pk), language=language, title=thread.title,
                            body=plain_text(text, INDEXED), keywords=thread.board.name,
                            url=thread.get_absolute_url(), jurisdiction_id=thread.board.jurisdiction_id,
                            dated=thread.last_activity_at)
        yield from in_each_language(build)


def register_sources() -> None:
    register(Source(name="forums.thread", kind="forum", label=_("Forum threads"), model="forums.Thread",
                    documents=thread_documents, order=40, also_watch={"forums.Reply": lambda reply: reply.thread_id}))
