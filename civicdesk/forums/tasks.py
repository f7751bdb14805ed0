"""Background work for forums: telling a thread's followers about a new reply, in the worker."""

from __future__ import annotations

from django_tasks import task


@task()
def tell_followers(*, reply_pk: int) -> int:
    """Queue the "new reply" message for every active follower of the reply's thread but its author; returns
    how many messages were queued.

    Enqueued in the transaction that published the reply, so a popular thread's fan-out happens here, not in the
    author's page load. Safe to run twice (notify() is idempotent on the reply's key); reads followers and the
    reply when it runs, so a reply hidden meanwhile, or someone who stopped following, gets nothing.
    """
    from civicdesk.notifications.services import notify
    from civicdesk.subscriptions.services import recipients_for_users

    from .models import Reply, ThreadFollow

    reply = Reply.objects.visible().select_related("thread", "author").filter(pk=reply_pk).first()
    if reply is None or not reply.thread.is_visible:
        return 0
    followers = [f.user for f in ThreadFollow.objects.filter(thread_id=reply.thread_id, user__is_active=True)
                 .exclude(user_id=reply.author_id).select_related("user").order_by("pk")]
    if not followers:
        return 0
    return notify(event="forums.reply", key=f"forums-reply:{reply.pk}", recipients=recipients_for_users(followers),
                  template="forums/email/new_reply", scope=f"forum-thread:{reply.thread_id}",
                  context={"reply": reply, "thread": reply.thread})
