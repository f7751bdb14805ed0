"""The editable content types, registered by each content app in its AppConfig.ready():

    from civicdesk.editorial import registry
    registry.register(registry.Editable(key="article", model="content.Article", form_class=ArticleForm,
                                        label=_("Article"), label_plural=_("Articles"), order=10))

Registered types appear in the staff console's content list (filter by type), get edit, history and workflow
pages at /staff/content/<key>/..., and are checked by the "missing translations" page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.apps import apps


@dataclass(frozen=True)
class Editable:
    """`key` names the type in URLs; `model` is "app_label.ModelName" of an EditorialContent subclass;
    `form_class` an editorial.forms.EditorialForm subclass for it; `list_related` the select_related() of
    the staff list (jurisdiction and updated_by are always included)."""

    key: str
    model: str
    form_class: Any
    label: str
    label_plural: str
    order: int = 100
    list_related: tuple[str, ...] = ()

    def model_class(self):
        return apps.get_model(self.model)


_EDITABLES: dict[str, Editable] = {}


def register(editable: Editable) -> None:
    """Add (or, by key, replace) an editable type."""
    _EDITABLES[editable.key] = editable


def editables() -> list[Editable]:
    return sorted(_EDITABLES.values(), key=lambda e: (e.order, e.key))


def get(key: str) -> Editable | None:
    return _EDITABLES.get(key)


def for_model(model) -> Editable | None:
    """The registered type of a model class or instance."""
    label = model._meta.label
    return next((e for e in _EDITABLES.values() if e.model.lower() == label.lower()), None)


@dataclass(frozen=True)
class ConsoleLink:
    """An extra page of the editorial console (e.g. a content app's results page), linked from its menu."""

    label: str
    url_name: str
    order: int = 100


_LINKS: dict[str, ConsoleLink] = {}


def register_link(link: ConsoleLink) -> None:
    """Add (or, by url_name, replace) a link in the editorial console's menu."""
    _LINKS[link.url_name] = link


def console_links() -> list[dict]:
    """[{label, url}] of the registered console links, in order."""
    from django.urls import reverse

    return [{"label": link.label, "url": reverse(link.url_name)}
            for link in sorted(_LINKS.values(), key=lambda link: (link.order, link.url_name))]
