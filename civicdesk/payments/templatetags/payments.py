"""Template filters of the payments app: `{{ cents|money:currency }}`."""

from __future__ import annotations

from django import template

from civicdesk.payments.models import format_money

register = template.Library()


@register.filter
def money(cents, currency: str = "usd") -> str:
    """Integer cents as money ("$12.34"); empty for None."""
    if cents is None or cents == "":
        return ""
    return format_money(int(cents), currency or "usd")
