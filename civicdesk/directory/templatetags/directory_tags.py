"""Template helpers for the directory: per-language text (with its "not yet translated" notice), fees, hours."""

from __future__ import annotations

from django import template
from django.utils import formats

from civicdesk.lib import markdown

from ..text import localized, pick, pick_list

register = template.Library()


@register.inclusion_tag("directory/includes/localized.html")
def localized_text(texts, as_markdown=True):
    """Staff text in the reader's language: Markdown rendered safely (or plain text), marked with its own
    language and a "not yet translated" notice when it falls back to another."""
    text = localized(texts)
    return {"text": text, "html": markdown.render(text.text) if as_markdown else None}


@register.filter
def in_language(texts) -> str:
    """The plain text of a language → text map in the reader's language (or the fallback)."""
    return pick(texts)


@register.filter
def lines_in_language(lists) -> list[str]:
    return pick_list(lists)


@register.filter
def hhmm(value) -> str:
    """A time in the locale's format ("8 a.m." / "8:00")."""
    return formats.time_format(value, "TIME_FORMAT") if value is not None else ""


@register.filter
def weekday_name(index: int) -> str:
    """0 → "Monday" in the reader's language."""
    from django.utils.dates import WEEKDAYS

    return str(WEEKDAYS[int(index)])
