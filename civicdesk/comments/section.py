"""The comments section of a page: `section_html(request, target)`; the template tag and the tracking page use it."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import OuterRef, Subquery
from django.template.loader import render_to_string

from civicdesk.lib.aggregates import JoinedText, joined_parts
from civicdesk.moderation import access as moderation_access
from civicdesk.moderation.services import suspension_of
from civicdesk.servicerequests.models import ServiceRequest

from . import targets
from .forms import CommentForm
from .models import Comment

#: The most comments one page shows (oldest first); a target with more is a forum thread's job.
SHOWN = 500


def section_context(request, target, form: CommentForm | None = None) -> dict:
    user = request.user
    jurisdiction_id = targets.jurisdiction_id(target)
    ct = ContentType.objects.get_for_model(target)
    return {
        "target": target, "target_label": f"{ct.app_label}.{ct.model}",
        "comments": list(Comment.objects.on(target)[:SHOWN]),
        "form": form or CommentForm(), "accepts": targets.accepts(target),
        "may_moderate": moderation_access.can(user, "moderate", jurisdiction_id),
        "may_answer": moderation_access.can(user, "answer_officially", jurisdiction_id),
        "suspension": suspension_of(user),
        "user": user, "request": request,
    }


def section_html(request, target) -> str:
    """The comments and the comment form for `target`, or "" when it does not take comments."""
    if not targets.is_open(target):
        return ""
    return render_to_string("comments/section.html", section_context(request, target), request=request)


def tracking_page_section(request, service_request) -> str:
    return section_html(request, service_request)


def tracking_page_version_column():
    """What the comments section of a tracking page is drawn from, as a column of the page's validator statement
    (servicerequests.extensions): the ids of its public comments, joined. Posting, hiding and restoring each
    change them. The target's kind is matched by name, not by content type id: the statement is compiled once
    per process, and the id may differ between databases."""
    return Subquery(
        Comment.objects.visible()
        .filter(target_type__app_label=ServiceRequest._meta.app_label,
                target_type__model=ServiceRequest._meta.model_name, target_id=OuterRef("pk"))
        .order_by().values("target_id").annotate(ids=JoinedText("id")).values("ids"))


def tracking_page_version_key(ids: str | None) -> str:
    return "c" + ",".join(joined_parts(ids))
