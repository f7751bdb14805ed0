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
