"""Template tags for area alert emails."""

from django import template

from civicdesk.alerts import services

register = template.Library()


@register.simple_tag
def my_alerts_url(email: str) -> str:
    """The link to the list of the address's area alerts (each can be changed or stopped there)."""
    return services.my_alerts_url(email)
