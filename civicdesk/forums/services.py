"""Starting threads, replying, supporting and following: each a function views, commands and demo data share.

Posting rules (verified account, suspensions, rate limits, the word filter, pre-moderation) are the moderation
app's (civicdesk/moderation/services.py); this module adds what is particular to forums: locked threads,
official answers, links for new accounts, votes and follows.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction

from django.utils.translation import gettext as _

from civicdesk.moderation import access as moderation_access
from civicdesk.moderation import services as moderation
from civicdesk.moderation.services import PostRefused, limit
from civicdesk.throttle.services import Limit, check

from .models import Board, Reply, Thread, ThreadFollow, ThreadVote


def _clean(text: str, field: str, *, max_length: int) -> str:
    text = (text or "").strip()
    if not text:
        raise PostRefused(_("Please write your %(field)s.") % {"field": field})
    if len(text) > max_length:
        raise PostRefused(_("Please keep it under %(limit)s characters.") % {"limit": max_length})
    return text


def start_thread(board: Board, author, *, title: str, body: str, client: str) -> Thread:
    """Start a thread on an open board: published at once, or held when the board is pre-moderated or the text
    has held words. Raises PostRefused / RateLimited with a message for the author; writes nothing then."""
    if not board.is_active:
        raise PostRefused(_("This board is closed to new threads."))
    title = _clean(title, _("title"), max_length=150)
    body = _clean(body, _("message"), max_length=10000)
    held = moderation.refuse_if_blocked(title, body)
    with transaction.atomic():
        moderation.check_author(author, client=client, kind="forum")
        thread = Thread(board=board, author=author, title=title, body=body, body_html=moderation.render_for(author, body))
        moderation.publish_or_hold(thread, premoderated=board.premoderated and not author.is_staff,
                                   held_words=held)
    return thread


def post_reply(thread: Thread, author, *, body: str, client: str, official: bool = False) -> Reply:
    """Reply in a published, open thread. `official` marks a staff member's answer as the city's (only staff who
    may answer officially in the board's jurisdiction). Published replies tell the thread's followers."""
    if not thread.is_visible or thread.is_locked:
        raise PostRefused(_("This thread is closed to new replies."))
    body = _clean(body, _("reply"), max_length=10000)
    if official and not moderation_access.can(author, "answer_officially", thread.board.jurisdiction_id):
        raise PostRefused(_("Only city staff may give an official answer."))
    held = None if author.is_staff else moderation.refuse_if_blocked(body)
    with transaction.atomic():
        moderation.check_author(author, client=client, kind="forum")
        reply = Reply(thread=thread, author=author, body=body, body_html=moderation.render_for(author, body),
                      is_official=official)
        moderation.publish_or_hold(reply, premoderated=thread.board.premoderated and not author.is_staff,
                                   held_words=held)
    return reply


def reply_published(reply: Reply) -> None:
    """A reply became public (now, or on a moderator's approval): move the thread up its board, let the author
    follow it, and have the worker tell the other followers (once: notify() is idempotent on the reply's key)."""
    from .tasks import tell_followers

    Thread.objects.filter(pk=reply.thread_id).update(last_activity_at=reply.created_at)
    if reply.author_id:
        ThreadFollow.objects.get_or_create(thread_id=reply.thread_id, user_id=reply.author_id)
    if ThreadFollow.objects.filter(thread_id=reply.thread_id).exclude(user_id=reply.author_id).exists():
        tell_followers.enqueue(reply_pk=reply.pk)


def toggle_support(thread: Thread, user, *, client: str) -> bool:
    """Add the user's support to the thread, or take it back; returns True when they now support it. Adding is
    limited per account and per client address (a vote moves a thread up what the city reads)."""
    if not getattr(user, "is_authenticated", False) or not (user.is_email_verified or user.is_staff):
        raise PostRefused(_("Please sign in with a confirmed email address to support a thread."))
    if not thread.is_visible:
        raise PostRefused(_("This thread is not available."))
    with transaction.atomic():
        deleted, _rows = ThreadVote.objects.filter(thread=thread, user=user).delete()
        if deleted:
            return False
        check(Limit(f"forum-vote:user:{user.pk}", limit("FORUM_VOTES_PER_ACCOUNT_PER_HOUR", 30), 3600),
              Limit(f"forum-vote:client:{client}", limit("FORUM_VOTES_PER_CLIENT_PER_HOUR", 60), 3600),
              message=_("You have supported many threads in a short time. Please wait a while."))
        try:
            with transaction.atomic():
                ThreadVote.objects.create(thread=thread, user=user)
        except IntegrityError:  # a double click
            pass
    return True


def set_following(thread: Thread, user, follow: bool) -> None:
    """Follow the thread (be told of new replies) or stop following it."""
    if follow:
        ThreadFollow.objects.get_or_create(thread=thread, user=user)
    else:
        ThreadFollow.objects.filter(thread=thread, user=user).delete()


def set_locked(thread: Thread, actor, locked: bool) -> None:
    """Close a thread to new replies, or open it again (moderators); audited."""
    with transaction.atomic():
        Thread.objects.filter(pk=thread.pk).update(is_locked=locked)
        thread.log_action("forums.thread_locked" if locked else "forums.thread_unlocked", user=actor)
    thread.is_locked = locked


