"""Template filters of the staff money pages: `{{ cents|money:currency }}` → "$12.34"."""

from django import template

from civicdesk.payments.models import format_money

register = template.Library()


@register.filter
def money(cents, currency="usd"):
    """Integer cents as money in `currency` (models.format_money); "" for None."""
    if cents is None or cents == "":
        return ""
    return format_money(int(cents), currency or "usd")
