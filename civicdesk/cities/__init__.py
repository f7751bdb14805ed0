"""City packs: what varies from one deployment to the next (see default.DefaultCity)."""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.utils.module_loading import import_string


@lru_cache(maxsize=4)
def _load(path: str):
    return import_string(path)()


def city():
    """The city pack named by settings.CITY_PACK (an instance of DefaultCity or a subclass)."""
    return _load(settings.CITY_PACK)
