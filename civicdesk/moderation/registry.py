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
