"""Public comments on anything that takes them (public requests, meetings...), moderated like the forums."""

from __future__ import annotations

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from civicdesk.lib.markdown import plain_text
from civicdesk.moderation.models import Moderated, ModeratedQuerySet


class CommentQuerySet(ModeratedQuerySet):
    def on(self, target):
        """The published comments on `target`, oldest first, authors joined: what every public page shows."""
        ct = ContentType.objects.get_for_model(target)
        return (self.visible().filter(target_type=ct, target_id=target.pk).select_related("author")
                .order_by("created_at", "id"))


class Comment(Moderated):
    """A resident's (or staff member's, marked official) public comment on one target object."""

    target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    target_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("target_type", "target_id")
    #: Stored at posting: whose moderators review it (the target's jurisdiction).
    jurisdiction_id = models.BigIntegerField(null=True, blank=True)
    body = models.TextField(_("comment"), max_length=5000)
    body_html = models.TextField(editable=False)
    is_official = models.BooleanField(_("official reply from the city"), default=False)

    objects = CommentQuerySet.as_manager()

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        indexes = [models.Index(fields=["target_type", "target_id", "moderation_state", "created_at"],
                                name="comments_on_target")]

    @classmethod
    def for_moderation_queue(cls):
        return cls.objects.select_related("author").prefetch_related("target")

    def get_absolute_url(self) -> str:
        target = self.target
        base = target.get_absolute_url() if target is not None else "/"
        return f"{base}#comment-{self.pk}"

    def moderation_jurisdiction_id(self) -> int | None:
        return self.jurisdiction_id

    def moderation_title(self) -> str:
        return str(_("Comment on %(target)s") % {"target": self.target})

    def moderation_excerpt(self) -> str:
        return plain_text(self.body, 600)
