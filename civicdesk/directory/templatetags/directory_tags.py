"""Template helpers for the directory: per-language text (with its "not yet translated" notice), hours."""

from __future__ import annotations

from django import template
from django.utils import formats

from civicdesk.editorial.text import language_name, render_markdown, translated

from ..text import pick

register = template.Library()


@register.inclusion_tag("directory/includes/localized.html", takes_context=True)
def localized_text(context, texts, as_markdown=True):
    """Editors' text in the reader's language: Markdown rendered safely (or plain text); when it falls back to
    the default language, the editorial "not yet translated" notice and the text marked with its language."""
    text = translated(texts)
    return {"text": text, "html": render_markdown(text.text) if as_markdown else None,
            "fallback": text.is_fallback, "fallback_language": language_name(text.language),
            "LANGUAGE_CODE": context.get("LANGUAGE_CODE", "")}


@register.filter
def in_language(texts) -> str:
    """The plain text of a language → text map in the reader's language (or the default one)."""
    return pick(texts)


@register.filter
def field_text(obj, field: str):
    """obj.text(field): a translated field of editorial content as a Translated (text, language, is_fallback)."""
    return obj.text(field)


@register.filter
def hhmm(value) -> str:
    """A time in the locale's format ("8 a.m." / "8:00")."""
    return formats.time_format(value, "TIME_FORMAT") if value is not None else ""


@register.filter
def weekday_name(index: int) -> str:
    """0 → "Monday" in the reader's language."""
    from django.utils.dates import WEEKDAYS

    return str(WEEKDAYS[int(index)])
