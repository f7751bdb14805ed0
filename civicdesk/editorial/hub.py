"""The sections of the residents' help hub (/help/), registered by each content app in its AppConfig.ready():

    from civicdesk.editorial import hub
    hub.register(hub.HubSection("faq", _("Questions and answers"), "content:faq", _("Short answers..."), 20))
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class HubSection:
    """One block of the hub: `url_name` is reversed without arguments; `title` and `description` are lazy
    translations so they show in the reader's language; lower `order` comes first."""

    key: str
    title: str
    url_name: str
    description: str = ""
    order: int = 100

    def url(self) -> str:
        try:
            return reverse(self.url_name)
        except NoReverseMatch:
            return ""


_SECTIONS: dict[str, HubSection] = {}


def register(section: HubSection) -> None:
    """Add (or, by key, replace) a hub section."""
    _SECTIONS[section.key] = section


def sections() -> list[HubSection]:
    """Every registered section whose page exists, in order."""
    return [s for s in sorted(_SECTIONS.values(), key=lambda s: (s.order, s.key)) if s.url()]
