"""Residents' "was this page helpful?" answers, and the figures editors read."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from civicdesk.throttle.services import Limit, check

from .models import Article, HelpfulVote

#: Answers one client may give per hour on one article, on all articles, and all clients together per hour.
PER_CLIENT_PER_ARTICLE = 3
PER_CLIENT = 30
OVERALL = 2000
COMMENT_LIMIT = 1000


@transaction.atomic
def record_helpful(*, article: Article, helpful: bool, comment: str, client: str, language: str) -> HelpfulVote:
    """Count one answer for a public article. Raises throttle.RateLimited (nothing counted) when this client
    answered this article too often in the hour, or answered too many articles, or everyone together did."""
    check(
        Limit(f"helpful:client-article:{client}:{article.pk}", PER_CLIENT_PER_ARTICLE, 3600),
        Limit(f"helpful:client:{client}", PER_CLIENT, 3600),
        Limit("helpful:overall", OVERALL, 3600),
        message=_("Thank you, we already have your answer for now. You can answer again in an hour."),
    )
    return HelpfulVote.objects.create(article=article, helpful=helpful,
                                      comment=(comment or "").strip()[:COMMENT_LIMIT], language=language[:8])


@dataclass(frozen=True)
class ArticleResult:
    article: Article
    yes: int
    no: int

    @property
    def total(self) -> int:
        return self.yes + self.no

    @property
    def share_yes(self) -> int | None:
        """Percentage of answers that said "yes", rounded; None without answers."""
        return round(100 * self.yes / self.total) if self.total else None


def helpful_results(jurisdiction_ids: set[int] | None) -> list[ArticleResult]:
    """Yes/no counts per article of those jurisdictions (all when None), most answered first (one query)."""
    queryset = Article.objects.for_jurisdictions(jurisdiction_ids).annotate(
        yes=Count("votes", filter=Q(votes__helpful=True)), no=Count("votes", filter=Q(votes__helpful=False)),
    ).order_by("slug")
    results = [ArticleResult(a, a.yes, a.no) for a in queryset]
    return sorted(results, key=lambda r: (-r.total, r.article.slug))


def recent_comments(jurisdiction_ids: set[int] | None, limit: int = 100):
    """The latest comments left with an answer, newest first."""
    queryset = HelpfulVote.objects.exclude(comment="").select_related("article")
    if jurisdiction_ids is not None:
        queryset = queryset.filter(article__jurisdiction_id__in=jurisdiction_ids)
    return list(queryset[:limit])
