"""Posting a comment. The comments themselves are shown on their target's page (section.py)."""

from __future__ import annotations

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civicdesk.moderation.services import PostRefused
from civicdesk.moderation.views import limited
from civicdesk.throttle.services import RateLimited, client_ip

from . import services, targets
from .forms import CommentForm
from .section import section_context


def _target(label: str, pk: int):
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        raise Http404(_("Comments are closed here.")) from None
    obj = model._default_manager.filter(pk=pk).first()
    if obj is None or not targets.accepts(obj):
        raise Http404(_("Comments are closed here."))
    return obj


@login_required
@require_POST
def post(request, label: str, pk: int):
    """Post a comment on a target; back to its page, or a page with the form and the reason when refused."""
    target = _target(label, pk)
    form = CommentForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            comment = services.post_comment(target, request.user, body=form.cleaned_data["body"],
                                            official=form.cleaned_data["official"], client=client_ip(request))
        except RateLimited as exc:
            form.add_error(None, exc.message)
            return limited(render(request, "comments/form_page.html", section_context(request, target, form),
                                  status=429), exc)
        except PostRefused as exc:
            form.add_error(None, exc.message)
        else:
            if comment.is_visible:
                messages.success(request, _("Your comment is published."))
                return redirect(comment.get_absolute_url())
            messages.info(request, _("Thank you. A moderator will read your comment before it appears."))
            return redirect(target.get_absolute_url() + "#comments")
    return render(request, "comments/form_page.html", section_context(request, target, form), status=status)
