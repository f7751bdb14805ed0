"""Filters that keep what residents read tidy: "just now" rather than "0 minutes ago", and no double full
stop after a time that ends in "p.m."."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext

register = template.Library()

#: Below this, "just now" instead of "0 minutes ago".
JUST_NOW = dt.timedelta(minutes=1)


@register.filter
def ago(value: dt.datetime | None, now: dt.datetime | None = None) -> str:
    """How long ago `value` was, in words of the active language: "just now" under a minute (and for a
    moment slightly in the future, from clock skew), else "3 hours ago"; "" for no value."""
    if not value:
        return ""
    now = now or timezone.now()
    if now - value < JUST_NOW:
        return gettext("just now")
    return gettext("%(time)s ago") % {"time": timesince(value, now, depth=1)}


@register.filter
def before_period(value) -> str:
    """The text without a final full stop, for a value that a sentence's own full stop follows:
    "by Dec. 8, 2026, 3:09 p.m" + "." reads "3:09 p.m.", never "p.m..". Use it on a date or time
    that ends a translated sentence."""
    text = str(value)
    return text[:-1] if text.endswith(".") else text
