"""A hook for pages related to a service type (articles, FAQ): apps that own such pages register a provider."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class RelatedPage:
    title: str
    url: str


#: Callables (service_type, limit) → list of RelatedPage, public pages only, in the reader's language.
_PROVIDERS: list[Callable] = []


def register(provider: Callable) -> None:
    """Add a provider once (called from an AppConfig.ready())."""
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)


def related_to(service_type, limit: int = 5) -> list[RelatedPage]:
    """Up to `limit` related public pages from every provider, each address once."""
    pages: dict[str, RelatedPage] = {}
    for provider in _PROVIDERS:
        for page in provider(service_type, limit):
            pages.setdefault(page.url, page)
    return list(pages.values())[:limit]


def help_articles(service_type, limit: int) -> list[RelatedPage]:
    """The public help articles (civicdesk/content, a lower app) that name the service type."""
    from django.apps import apps

    if not apps.is_installed("civicdesk.content"):
        return []
    from civicdesk.content.models import Article

    articles = Article.objects.public().filter(service_types=service_type).order_by("slug")[:limit]
    return [RelatedPage(article.text("title").text, article.get_absolute_url()) for article in articles]
