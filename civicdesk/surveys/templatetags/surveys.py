"""Template helpers for surveys: staff-entered text in the reader's language, personal links in messages."""

from __future__ import annotations

from django import template

from civicdesk.formengine.text import pick

register = template.Library()


@register.filter
def in_language(texts) -> str:
    """A language→text map in the active language (falling back to the site's default)."""
    return pick(texts)


@register.filter
def personal_link(recipient, links: dict) -> str:
    """The personal survey link of a message's recipient (from the `links` map given to notify())."""
    return (links or {}).get(recipient.address("email"), "")


@register.filter
def get_count(counts: dict, key) -> int:
    """counts[key], or 0."""
    return (counts or {}).get(key, 0)
