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
