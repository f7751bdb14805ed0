"""`{% load comments %}{% comments_for object %}`: a page's public comments and comment form, in one line."""

from __future__ import annotations

from django import template
from django.utils.safestring import mark_safe

from ..section import section_html

register = template.Library()


@register.simple_tag(takes_context=True)
def comments_for(context, target):
    """The comments section for `target` (nothing when it does not take comments)."""
    return mark_safe(section_html(context["request"], target))
