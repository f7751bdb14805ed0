"""Moderation shared by every kind of resident-written content (forum posts, comments, meeting comments...).

A content model inherits `Moderated` (state, reason shown to its author, author, timestamps) and registers
itself in `registry`; everything else here (flags, the review queue, the record of moderation acts, account
suspensions, the word filter) points at content through its content type and id.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from civicdesk.audit.models import LoggedModel


class ModerationState(models.TextChoices):
    PENDING = "pending", _("Waiting for a moderator")
    PUBLISHED = "published", _("Published")
    HIDDEN = "hidden", _("Hidden by a moderator")


class ModeratedQuerySet(models.QuerySet):
    def visible(self):
        """What the public may see: published content only. Every public page, count, feed and search of
        moderated content starts from here, so hiding one post removes it from all of them at once."""
        return self.filter(moderation_state=ModerationState.PUBLISHED)


class Moderated(LoggedModel):
    """Abstract base of content residents write and moderators review.

    Subclasses implement `moderation_jurisdiction_id()` (whose moderators review it), `get_absolute_url()`
    (where the public reads it) and `moderation_excerpt()`; they may override `on_published()` (called once
    when the content first becomes public, inside the transaction) to tell followers.
    """

    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+", verbose_name=_("author"))
    moderation_state = models.CharField(_("moderation state"), max_length=12, choices=ModerationState.choices,
                                        default=ModerationState.PUBLISHED)
    #: Why a moderator held or hid it, in words shown to the author (never to the public).
    moderation_reason = models.TextField(_("reason given to the author"), blank=True)
    created_at = models.DateTimeField(_("posted at"), default=timezone.now)
    #: When it first became public (None while waiting or when it never did): followers are told once.
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    objects = ModeratedQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def is_visible(self) -> bool:
        """True when the public may read it (the same rule as `visible()`)."""
        return self.moderation_state == ModerationState.PUBLISHED

    def moderation_jurisdiction_id(self) -> int | None:
        """The jurisdiction whose moderators review this content (None: any jurisdiction's moderators)."""
        raise NotImplementedError

    def audit_jurisdiction_id(self) -> int | None:
        return self.moderation_jurisdiction_id()

    @classmethod
    def for_moderation_queue(cls):
        """What the queue loads for this model: enough joined that titles and authors cost no extra query."""
        return cls.objects.select_related("author")

    def moderation_label(self) -> str:
        """The name flag and moderation links use for this model ("forums.reply")."""
        return self._meta.label_lower

    def moderation_excerpt(self) -> str:
        """The words a moderator reads in the queue."""
        raise NotImplementedError

    def moderation_title(self) -> str:
        """A short name for it in the queue and in the author's list of decisions."""
        raise NotImplementedError

    def on_published(self) -> None:
        """Called once, in the transaction that first makes the content public."""

    def safe_body(self):
        """The subclass's `body_html`, for templates: sanitised by civicdesk/lib/markdown.py when it was saved
        (nothing else ever writes that field), so it is marked safe here, in one place."""
        return mark_safe(self.body_html)


class Review(models.Model):
    """One piece of content waiting in the moderation queue; closed when a moderator decides."""

    class Why(models.TextChoices):
        PREMODERATION = "premoderation", _("Board or page reviews posts before they appear")
        WORD_FILTER = "word_filter", _("Contains a word on the city's list")
        FLAGGED = "flagged", _("Flagged by readers")

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    content = GenericForeignKey("content_type", "object_id")
    jurisdiction_id = models.BigIntegerField(null=True, blank=True)
    why = models.CharField(_("why it is here"), max_length=16, choices=Why.choices)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    opened_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")

    class Meta:
        verbose_name = _("item in the moderation queue")
        verbose_name_plural = _("moderation queue")
        indexes = [models.Index(fields=["closed_at", "opened_at"])]
        constraints = [models.UniqueConstraint(fields=["content_type", "object_id"],
                                               condition=Q(closed_at__isnull=True), name="one_open_review")]


class Flag(models.Model):
    """A reader saying a piece of content breaks the rules; one per reader and content."""

    class Reason(models.TextChoices):
        SPAM = "spam", _("Spam or advertising")
        ABUSE = "abuse", _("Insulting, threatening or hateful")
        PERSONAL = "personal", _("Shares someone's personal information")
        OFF_TOPIC = "off_topic", _("Off topic or in the wrong place")
        OTHER = "other", _("Something else")

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("reason"), max_length=12, choices=Reason.choices)
    note = models.CharField(_("anything to add"), max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("flag")
        verbose_name_plural = _("flags")
        constraints = [models.UniqueConstraint(fields=["content_type", "object_id", "reporter"],
                                               name="one_flag_per_reader")]
        indexes = [models.Index(fields=["content_type", "object_id", "resolved_at"])]


class ModerationAct(models.Model):
    """One decision by a moderator, with the reason the author is shown. Append-only (also in the audit log)."""

    class Action(models.TextChoices):
        APPROVE = "approve", _("Approved")
        HIDE = "hide", _("Hidden")
        RESTORE = "restore", _("Restored")
        DISMISS = "dismiss", _("Flags dismissed")
        WARN = "warn", _("Warning")
        SUSPEND = "suspend", _("Suspended from posting")
        LIFT = "lift", _("Suspension lifted")

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    target_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
                                    related_name="moderation_acts")
    content_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    content = GenericForeignKey("content_type", "object_id")
    reason = models.TextField(_("reason given to the author"), blank=True)

    class Meta:
        verbose_name = _("moderation act")
        verbose_name_plural = _("moderation acts")
        ordering = ["-created_at", "-id"]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Moderation acts are append-only")
        super().save(*args, **kwargs)


class SuspensionQuerySet(models.QuerySet):
    def in_force(self, now=None):
        now = now or timezone.now()
        return self.filter(lifted_at__isnull=True).filter(Q(until__isnull=True) | Q(until__gt=now))


class Suspension(models.Model):
    """An account barred from posting anywhere moderated, until a date or until lifted."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="suspensions")
    reason = models.TextField(_("reason given to the resident"))
    until = models.DateTimeField(_("until"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    lifted_at = models.DateTimeField(null=True, blank=True)

    objects = SuspensionQuerySet.as_manager()

    class Meta:
        verbose_name = _("suspension")
        verbose_name_plural = _("suspensions")


class BlockedWord(LoggedModel):
    """A word or phrase the city does not want posted: held for a moderator, or refused outright."""

    class Action(models.TextChoices):
        HOLD = "hold", _("Hold the post for a moderator")
        REFUSE = "refuse", _("Refuse the post")

    phrase = models.CharField(_("word or phrase"), max_length=100, unique=True)
    action = models.CharField(_("what happens"), max_length=8, choices=Action.choices, default=Action.HOLD)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("blocked word")
        verbose_name_plural = _("word filter")
        ordering = ["phrase"]

    def __str__(self) -> str:
        return self.phrase

    def audit_jurisdiction_id(self) -> None:
        return None

    def save(self, *args, **kwargs):
        self.phrase = " ".join((self.phrase or "").lower().split())
        super().save(*args, **kwargs)
