"""Staff-written text stored as a JSON map language → text (or → list of lines), read in the reader's language."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils import translation

from civicdesk.formengine.text import languages, pick

__all__ = ["Localized", "languages", "pick", "pick_list", "localized"]


def _language(language: str | None) -> str:
    return (language or translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]


def pick_list(lists: dict | None, language: str | None = None) -> list[str]:
    """The non-empty lines of `lists` (language → list of strings) in `language`, else the default language's,
    else any language's; [] when there are none."""
    lists = lists or {}
    for code in (_language(language), settings.LANGUAGE_CODE, *lists):
        lines = [str(line).strip() for line in (lists.get(code) or []) if str(line).strip()]
        if lines:
            return lines
    return []


@dataclass(frozen=True)
class Localized:
    """A text in the reader's language, or in another one (`fallback` is True: the page says "not yet
    translated" and marks the text with its own language)."""

    text: str
    language: str
    fallback: bool

    def __str__(self) -> str:
        return self.text

    def __bool__(self) -> bool:
        return bool(self.text)


def localized(texts: dict | None, language: str | None = None) -> Localized:
    """Like `pick`, saying which language the text is in and whether it is a fallback."""
    texts = texts or {}
    wanted = _language(language)
    for code in (wanted, settings.LANGUAGE_CODE, *texts):
        value = texts.get(code)
        if isinstance(value, str) and value.strip():
            return Localized(value.strip(), code, code != wanted)
    return Localized("", wanted, False)
