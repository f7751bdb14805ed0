"""The comments section of a page: `section_html(request, target)`; the template tag and the tracking page use it."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.template.loader import render_to_string

from civicdesk.lib.compiled import CompiledQuery
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


#: The comments section's validator's statement, compiled once per process (lib/compiled.py); the content
#: type is a parameter, as its id may differ between databases.
_VISIBLE_IDS = CompiledQuery(
    lambda target_type, target: Comment.objects.visible().filter(target_type_id=target_type, target_id=target)
    .order_by("id").values_list("id", flat=True)[:SHOWN], target_type=int, target=int)


def tracking_page_version(service_request_pk: int) -> str:
    """What the comments section of a tracking page is drawn from: which comments are public (posting, hiding
    and restoring each change the list) — the tracking page's ETag includes it."""
    ct = ContentType.objects.get_for_model(ServiceRequest)
    rows = _VISIBLE_IDS.rows(target_type=ct.pk, target=service_request_pk)
    return "c" + ",".join(str(pk) for pk, in rows)
