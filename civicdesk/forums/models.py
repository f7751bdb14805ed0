"""Discussion boards (by topic or neighbourhood), their threads and replies, support votes and follows.

Threads and replies are `Moderated` content (civicdesk/moderation): every public page, count and feed reads
them through `visible()`, so a post a moderator hides disappears everywhere at once.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicdesk.audit.models import LoggedModel
from civicdesk.jurisdictions.models import District, Jurisdiction
from civicdesk.lib.markdown import plain_text
from civicdesk.moderation.models import Moderated, ModeratedQuerySet, ModerationState


class BoardQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def with_activity(self):
        """Each board with `thread_count` and `reply_count` (published posts only, replies of published threads
        only) and `last_post_at` (the newest published thread or reply): the numbers the board list shows."""
        threads = Thread.objects.visible().filter(board=OuterRef("pk"))
        replies = Reply.objects.visible().filter(thread__board=OuterRef("pk"),
                                                 thread__moderation_state=ModerationState.PUBLISHED)
        count_threads = threads.order_by().values("board").annotate(n=Count("pk")).values("n")
        count_replies = replies.order_by().values("thread__board").annotate(n=Count("pk")).values("n")
        last_thread = threads.order_by("-created_at").values("created_at")[:1]
        last_reply = replies.order_by("-created_at").values("created_at")[:1]
        return self.annotate(
            thread_count=Coalesce(Subquery(count_threads), 0),
            reply_count=Coalesce(Subquery(count_replies), 0),
            last_thread_at=Subquery(last_thread),
            last_reply_at=Subquery(last_reply),
        )


class Board(LoggedModel):
    """A place to discuss one topic (parks, transport...) or one neighbourhood (a district of the city)."""

    class Kind(models.TextChoices):
        TOPIC = "topic", _("Topic")
        NEIGHBOURHOOD = "neighbourhood", _("Neighbourhood")

    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.CASCADE, related_name="boards")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.TOPIC)
    district = models.ForeignKey(District, null=True, blank=True, on_delete=models.SET_NULL, related_name="boards",
                                 help_text=_("For a neighbourhood board: the district it covers."))
    slug = models.SlugField(_("short name in the address"), unique=True)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    premoderated = models.BooleanField(_("moderators approve every post before it appears"), default=False)
    is_active = models.BooleanField(_("open"), default=True)
    position = models.PositiveIntegerField(_("order"), default=0)

    objects = BoardQuerySet.as_manager()

    class Meta:
        verbose_name = _("board")
        verbose_name_plural = _("boards")
        ordering = ["kind", "position", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("forums:board", args=[self.slug])


class Thread(Moderated):
    """A discussion started by a resident (or staff) on a board; its first post is its body."""

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="threads")
    title = models.CharField(_("title"), max_length=150)
    body = models.TextField(_("message"), max_length=10000)
    #: The body rendered once at posting (civicdesk/lib/markdown.py, with the author's link rights then).
    body_html = models.TextField(editable=False)
    last_activity_at = models.DateTimeField(default=timezone.now)
    is_locked = models.BooleanField(_("closed to new replies"), default=False)

    class Meta:
        verbose_name = _("thread")
        verbose_name_plural = _("threads")
        indexes = [models.Index(fields=["board", "moderation_state", "last_activity_at"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("forums:thread", args=[self.pk])

    @classmethod
    def for_moderation_queue(cls):
        return cls.objects.select_related("author", "board")

    def moderation_jurisdiction_id(self) -> int | None:
        return self.board.jurisdiction_id

    def moderation_title(self) -> str:
        return self.title

    def moderation_excerpt(self) -> str:
        return plain_text(f"{self.title}\n\n{self.body}", 600)

    def on_published(self) -> None:
        if self.author_id:
            ThreadFollow.objects.get_or_create(thread=self, user_id=self.author_id)

    def support_count(self) -> int:
        return self.votes.count()


class ReplyQuerySet(ModeratedQuerySet):
    def on_page_of(self, thread: Thread):
        """The published replies of `thread` in reading order (oldest first), authors joined: what the
        thread page pages through (index forums_reply_page)."""
        return self.visible().filter(thread=thread).select_related("author").order_by("created_at", "id")


class Reply(Moderated):
    """A reply in a thread; staff may mark theirs as the city's official answer."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="replies")
    body = models.TextField(_("reply"), max_length=10000)
    body_html = models.TextField(editable=False)
    is_official = models.BooleanField(_("official answer from the city"), default=False)

    objects = ReplyQuerySet.as_manager()

    class Meta:
        verbose_name = _("reply")
        verbose_name_plural = _("replies")
        indexes = [models.Index(fields=["thread", "moderation_state", "created_at", "id"], name="forums_reply_page")]

    def get_absolute_url(self) -> str:
        return reverse("forums:thread", args=[self.thread_id]) + f"#reply-{self.pk}"

    @classmethod
    def for_moderation_queue(cls):
        return cls.objects.select_related("author", "thread__board")

    def moderation_jurisdiction_id(self) -> int | None:
        return self.thread.board.jurisdiction_id

    def moderation_title(self) -> str:
        return str(_("Reply in “%(title)s”") % {"title": self.thread.title})

    def moderation_excerpt(self) -> str:
        return plain_text(self.body, 600)

    def on_published(self) -> None:
        from .services import reply_published

        reply_published(self)


class ThreadVote(models.Model):
    """A signed-in resident supporting a thread ("me too"); one per person and thread."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["thread", "user"], name="one_vote_per_thread")]


class ThreadFollow(models.Model):
    """Someone told of every new published reply in a thread (by their preferred channel)."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="follows")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["thread", "user"], name="one_follow_per_thread")]


def last_post_at(board) -> object:
    """The newest of the annotated `last_thread_at` and `last_reply_at` of a board from `with_activity()`."""
    dates = [d for d in (board.last_thread_at, board.last_reply_at) if d is not None]
    return max(dates) if dates else None


