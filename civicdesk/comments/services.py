"""Posting a public comment: the moderation app's rules (civicdesk/moderation/services.py) plus the target's."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils.translation import gettext as _

from civicdesk.moderation import access as moderation_access
from civicdesk.moderation import services as moderation
from civicdesk.moderation.services import PostRefused

from . import targets
from .models import Comment

MAX_LENGTH = 5000


def post_comment(target, author, *, body: str, client: str, official: bool = False,
                 premoderated: bool = False) -> Comment:
    """Comment on `target` when it takes comments. Staff who may answer officially in its jurisdiction may
    mark theirs official. Raises PostRefused / RateLimited with a message for the author; writes nothing then."""
    if not targets.accepts(target):
        raise PostRefused(_("Comments are closed here."))
    body = (body or "").strip()
    if not body:
        raise PostRefused(_("Please write your comment."))
    if len(body) > MAX_LENGTH:
        raise PostRefused(_("Please keep it under %(limit)s characters.") % {"limit": MAX_LENGTH})
    jurisdiction_id = targets.jurisdiction_id(target)
    if official and not moderation_access.can(author, "answer_officially", jurisdiction_id):
        raise PostRefused(_("Only city staff may give an official reply."))
    held = None if getattr(author, "is_staff", False) else moderation.refuse_if_blocked(body)
    with transaction.atomic():
        moderation.check_author(author, client=client, kind="comment")
        comment = Comment(target_type=ContentType.objects.get_for_model(target), target_id=target.pk,
                          jurisdiction_id=jurisdiction_id, author=author, body=body,
                          body_html=moderation.render_for(author, body), is_official=official)
        moderation.publish_or_hold(comment, premoderated=premoderated and not author.is_staff, held_words=held)
    return comment
