"""How the dashboard writes its numbers: shares as per cents, days with the precision the histogram has."""

from __future__ import annotations

import math

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def share(value) -> str:
    """0.8123 → "81.2%"; None → "no data"."""
    if value is None:
        return _("no data")
    return f"{number_format(round(100 * value, 1), 1)}%"


@register.filter
def days(value) -> str:
    """A number of days (a histogram bound): two decimals under one day, whole days above; None → "no data",
    infinity (the open-ended last bucket) → "more than 365"."""
    if value is None:
        return _("no data")
    if math.isinf(value):
        return _("more than 365")
    return number_format(value, 2) if value < 1 else number_format(round(value), 0)


@register.filter
def change(value) -> str:
    """A signed change in per cent; None (nothing last year) → "new"."""
    if value is None:
        return _("new")
    return f"{'+' if value > 0 else ''}{number_format(round(value, 1), 1)}%"


@register.filter
def summary_value(value, key: str) -> str:
    """One cell of the summary table, written as its measure needs."""
    if key.endswith("days_to_close"):
        return days(value)
    if key in ("closed_within_sla_share", "reopen_rate"):
        return share(value)
    return number_format(value, 0, force_grouping=True) if value is not None else _("no data")
