"""`{{ application|fee_state }}`: "none", "unpaid", "paid" or "waived" (see fees.fee_state)."""

from django import template

from civicdesk.applications import fees

register = template.Library()


@register.filter
def fee_state(application) -> str:
    return fees.fee_state(application)
