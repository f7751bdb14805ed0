"""Staff-entered text in every language the site offers: a JSON map of language code → text."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation


def languages() -> list[str]:
    """The codes of the languages the site offers, the default first."""
    codes = [code for code, _name in settings.LANGUAGES]
    default = settings.LANGUAGE_CODE
    return [default] + [code for code in codes if code != default] if default in codes else codes


def pick(texts: dict | None, language: str | None = None) -> str:
    """The text of `texts` in `language` (default: the active one), else the site's default language, else
    any language that has one, else ""."""
    texts = texts or {}
    language = (language or translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    for code in (language, settings.LANGUAGE_CODE, *texts):
        value = (texts.get(code) or "").strip()
        if value:
            return value
    return ""
