"""Answers before a report: counting the answers residents (and agents) follow, and the contacts they save.

An answer offered under a report's description ("Is this what you need?") links to /search/answers/<id>/,
which records an AnswerFollow once per session and page and redirects to the page. When the same session then
sends a report within AnswerFollow.FINISH_WINDOW_HOURS, report_finished() marks the follow `came_back`; a
follow without one is a deflected contact. Nothing of the description, and nothing about who followed, is
stored: the session only remembers which follows it made (SESSION_KEY).
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass

from django.urls import reverse
from django.utils.html import strip_tags
from django.db.models import Count, Max, Q
from django.db.models.functions import TruncWeek
from django.utils import timezone

from . import registry
from .models import AnswerFollow, SearchEntry

#: Session key: {"source:object_id": AnswerFollow pk} of the answers this session followed.
SESSION_KEY = "search_answer_follows"
#: At most this many follows are remembered per session (older ones drop off).
MAX_REMEMBERED = 30


def answer_links(answers, *, agent: bool = False) -> list[dict]:
    """services.answers_for()'s answers as the report forms show them: title, label, plain-text extract, and
    the link that counts a follow (views.follow) before opening the page."""
    suffix = "?channel=agent" if agent else ""
    return [{"title": answer.title, "label": answer.label, "url": reverse("search:follow", args=[answer.entry_id]) + suffix,
             "extract": html.unescape(strip_tags(answer.extract))} for answer in answers]


def answer_entry(entry_id: int) -> SearchEntry | None:
    """The index entry of an answer page (a source with answers=True), or None (unknown, or not an answer)."""
    return SearchEntry.objects.filter(pk=entry_id, source__in=registry.answer_sources()).first()


def followed(session, entry: SearchEntry) -> bool:
    """True when this session already followed `entry`'s answer page (it counts once)."""
    return f"{entry.source}:{entry.object_id}" in (session.get(SESSION_KEY) or {})


def follow(session, entry: SearchEntry, *, channel: str, now: dt.datetime | None = None) -> AnswerFollow | None:
    """Record that this session followed `entry`'s answer, unless it already did; returns the new follow or
    None when it was already counted."""
    remembered = dict(session.get(SESSION_KEY) or {})
    key = f"{entry.source}:{entry.object_id}"
    if key in remembered:
        return None
    made = AnswerFollow.objects.create(
        source=entry.source, object_id=entry.object_id, language=entry.language, title=entry.title[:300],
        url=entry.url, channel=channel if channel in AnswerFollow.Channel.values else AnswerFollow.Channel.WEB,
        followed_at=now or timezone.now())
    remembered[key] = made.pk
    session[SESSION_KEY] = dict(list(remembered.items())[-MAX_REMEMBERED:])
    return made


def report_finished(session, *, now: dt.datetime | None = None) -> int:
    """The session sent a report: its follows of the last FINISH_WINDOW_HOURS did not settle the matter
    (came_back). Returns how many follows were marked. Called by every report channel with a session."""
    ids = list((session.get(SESSION_KEY) or {}).values())
    if not ids:
        return 0
    since = (now or timezone.now()) - dt.timedelta(hours=AnswerFollow.FINISH_WINDOW_HOURS)
    return AnswerFollow.objects.filter(pk__in=ids, followed_at__gte=since, came_back=False).update(came_back=True)


@dataclass
class Counts:
    """Counts for one answer page or one week. `deflected`: follows whose window is over without a report;
    `pending`: follows still inside their window."""

    followed: int
    came_back: int
    deflected: int
    pending: int


def _counted(now: dt.datetime) -> dict:
    settled = now - dt.timedelta(hours=AnswerFollow.FINISH_WINDOW_HOURS)
    return {
        "followed": Count("id"),
        "came_back_n": Count("id", filter=Q(came_back=True)),
        "deflected": Count("id", filter=Q(came_back=False, followed_at__lt=settled)),
        "pending": Count("id", filter=Q(came_back=False, followed_at__gte=settled)),
    }


def counts_by_page(start: dt.datetime, end: dt.datetime, *, now: dt.datetime | None = None) -> list[dict]:
    """One row per answer page followed between `start` and `end`: title, url and Counts, most deflected
    first. One query."""
    now = now or timezone.now()
    rows = (AnswerFollow.objects.filter(followed_at__gte=start, followed_at__lt=end)
            .values("source", "object_id").annotate(title_=Max("title"), url_=Max("url"), **_counted(now))
            .order_by("-deflected", "-followed", "source", "object_id"))
    return [{"title": row["title_"], "url": row["url_"],
             "counts": Counts(row["followed"], row["came_back_n"], row["deflected"], row["pending"])}
            for row in rows]


def counts_by_week(start: dt.datetime, end: dt.datetime, *, now: dt.datetime | None = None) -> list[dict]:
    """One row per week (starting Monday) with follows between `start` and `end`: week and Counts, newest first."""
    now = now or timezone.now()
    rows = (AnswerFollow.objects.filter(followed_at__gte=start, followed_at__lt=end)
            .annotate(week=TruncWeek("followed_at")).values("week").annotate(**_counted(now)).order_by("-week"))
    return [{"week": row["week"], "counts": Counts(row["followed"], row["came_back_n"], row["deflected"],
                                                   row["pending"])} for row in rows]
