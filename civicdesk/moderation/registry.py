"""Which models are moderated: filled by each content app's AppConfig.ready() (`register(Model)`).

Flag links name content by its registered label ("forums.reply"), so only registered models can be flagged.
"""

from __future__ import annotations

_MODELS: dict[str, type] = {}


def register(model: type) -> type:
    """Make `model` (a subclass of moderation.models.Moderated) flaggable and reviewable."""
    _MODELS[model._meta.label_lower] = model
    return model


def model_for(label: str) -> type | None:
    """The registered model called `label` ("app.model"), or None."""
    return _MODELS.get(label)


def labels() -> list[str]:
    return sorted(_MODELS)


def queue_prefetch(lookup: str = "content"):
    """A GenericPrefetch of `lookup` (a GenericForeignKey) loading every registered model through its
    `for_moderation_queue()` queryset: one query per model, whatever the number of items."""
    from django.contrib.contenttypes.prefetch import GenericPrefetch

    return GenericPrefetch(lookup, [model.for_moderation_queue() for model in _MODELS.values()])
