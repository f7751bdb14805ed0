"""Template helpers for applications: amounts of money from integer cents."""

from __future__ import annotations

from django import template

from civicdesk.applications.models import money as format_money

register = template.Library()


@register.filter
def money(cents, currency: str = "USD") -> str:
    """Integer cents as "$45.00" (see models.money)."""
    return format_money(int(cents or 0), currency or "USD")
