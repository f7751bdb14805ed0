"""Staff-written text stored as a JSON map language → text, read in the reader's language (editorial fallback)."""

from __future__ import annotations

from civicdesk.editorial.text import Translated, translated


def pick(texts: dict | None, language: str | None = None) -> str:
    """The text of `texts` in `language` (the active one when None), else in the default language; "" when
    neither has any."""
    return translated(texts, language).text


__all__ = ["Translated", "pick", "translated"]
