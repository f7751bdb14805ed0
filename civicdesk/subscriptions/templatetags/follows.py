"""{% follow_box sr %}: the "Get updates" box on a public request page."""

from __future__ import annotations

from django import template

from ..forms import FollowForm
from ..models import Follow

register = template.Library()


@register.inclusion_tag("subscriptions/includes/follow_box.html", takes_context=True)
def follow_box(context, service_request):
    """Follow or unfollow for a signed-in person (one query), an email form for everyone else."""
    user = context["request"].user
    follow = None
    if user.is_authenticated:
        follow = Follow.objects.filter(request=service_request, user=user).only("pk").first()
    return {"sr": service_request, "user": user, "follow": follow, "form": FollowForm(auto_id="follow_%s"),
            "request": context["request"]}
