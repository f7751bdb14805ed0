"""The editorial base: staff-edited, per-language content with a draft → review → published workflow, its
revisions (JSON snapshots with a word diff and restore) and the editors' image library."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicdesk.audit.models import LoggedModel
from civicdesk.jurisdictions.models import Jurisdiction

from . import text


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    PUBLISHED = "published", _("Published")
    UNPUBLISHED = "unpublished", _("Unpublished")
    ARCHIVED = "archived", _("Archived")


class EditorialQuerySet(models.QuerySet):
    def public(self, now: dt.datetime | None = None):
        """What residents may see now: published, of an active jurisdiction, its publish_at reached (or unset)
        and its unpublish_at not yet reached (or unset). Scheduling needs no job: time alone moves items in
        and out of this set (the search index catches up through its periodic sync)."""
        now = now or timezone.now()
        return self.filter(
            Q(status=Status.PUBLISHED), Q(jurisdiction__is_active=True),
            Q(publish_at__isnull=True) | Q(publish_at__lte=now),
            Q(unpublish_at__isnull=True) | Q(unpublish_at__gt=now),
        )

    #: The same set under the name the shared brief uses.
    visible = public

    def for_jurisdictions(self, ids: set[int] | None):
        """Limited to jurisdictions `ids` (everything when None: superusers)."""
        return self if ids is None else self.filter(jurisdiction_id__in=ids)


class EditorialContent(LoggedModel):
    """Base of every staff-edited content model. A subclass declares its per-language JSON fields:

        title = models.JSONField(_("title"), default=dict, blank=True)
        translated_fields = ("title", "body")     # JSON maps language → text, edited per language
        markdown_fields = ("body",)               # of those, the ones written in Markdown (live preview)
        multiline_fields = ()                     # of those, plain text on several lines
        required_translated = ("title", "body")   # required in the default language
        snapshot_fields = ("slug", "topics")      # other fields kept in revisions (many-to-many as ids)

    Writes go through editorial.services (never obj.save() from a view): they enforce the workflow, keep a
    Revision of every save and audit every change.
    """

    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.CASCADE, related_name="+",
                                     verbose_name=_("jurisdiction"))
    status = models.CharField(_("state"), max_length=16, choices=Status.choices, default=Status.DRAFT,
                              db_index=True)
    publish_at = models.DateTimeField(_("publish at"), null=True, blank=True,
                                      help_text=_("Leave empty to publish as soon as it is approved."))
    unpublish_at = models.DateTimeField(_("unpublish at"), null=True, blank=True,
                                        help_text=_("Leave empty to keep it published until someone unpublishes it."))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("created by"))
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("last author"))
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("approved by"))
    reviewed_at = models.DateTimeField(_("approved"), null=True, blank=True)
    review_comment = models.TextField(_("reviewer's comment"), blank=True)

    objects = EditorialQuerySet.as_manager()

    translated_fields: ClassVar[tuple[str, ...]] = ()
    markdown_fields: ClassVar[tuple[str, ...]] = ()
    multiline_fields: ClassVar[tuple[str, ...]] = ()
    required_translated: ClassVar[tuple[str, ...]] = ()
    snapshot_fields: ClassVar[tuple[str, ...]] = ()

    class Meta:
        abstract = True

    # --- reading -----------------------------------------------------------------------------------------

    def text(self, field: str, language: str | None = None) -> text.Translated:
        """The text of a translated field in `language` (the active one when None), falling back to the
        default language with is_fallback=True (see editorial.text.translated)."""
        return text.translated(getattr(self, field), language)

    def display_title(self) -> str:
        """The first translated field in the active language (or the default one): what lists show."""
        if not self.translated_fields:
            return str(self.pk)
        return self.text(self.translated_fields[0]).text or _("(untitled)")

    def is_fallback(self, language: str | None = None) -> bool:
        """True when any translated field with text is shown in the default language instead of `language`."""
        return any(self.text(name, language).is_fallback for name in self.translated_fields)

    def missing_languages(self) -> list[str]:
        """Site languages (other than the default) lacking text for a field that has default-language text."""
        default = text.default_language()
        missing = []
        for language, _name in text.site_languages():
            if language == default:
                continue
            for name in self.translated_fields:
                value = getattr(self, name) or {}
                if (value.get(default) or "").strip() and not (value.get(language) or "").strip():
                    missing.append(language)
                    break
        return missing

    def is_public(self, now: dt.datetime | None = None) -> bool:
        """The same rule as EditorialQuerySet.public(), for one object in memory."""
        now = now or timezone.now()
        return (self.status == Status.PUBLISHED and self.jurisdiction.is_active
                and (self.publish_at is None or self.publish_at <= now)
                and (self.unpublish_at is None or self.unpublish_at > now))

    def schedule_label(self, change_status: str | None = None) -> str:
        """A short description of the state for editors ("Published", "Scheduled", "Expired", ...);
        `change_status` is the state of the item's pending change, if any ("Published, changes in review")."""
        now = timezone.now()
        if self.status == Status.PUBLISHED:
            if change_status == Status.IN_REVIEW:
                return str(_("Published, changes in review"))
            if change_status == Status.DRAFT:
                return str(_("Published, changes in draft"))
            if self.publish_at and self.publish_at > now:
                return str(_("Scheduled"))
            if self.unpublish_at and self.unpublish_at <= now:
                return str(_("Expired"))
        return self.get_status_display()

    def pending_change(self, *, lock: bool = False) -> PendingChange | None:
        """The change waiting for review of this (published) item, or None (`lock`: select it for update)."""
        if self.pk is None:
            return None
        queryset = PendingChange.objects.filter(content_type=ContentType.objects.get_for_model(self),
                                                object_id=self.pk).select_related("author")
        return (queryset.select_for_update(of=("self",)) if lock else queryset).first()

    # --- revisions -----------------------------------------------------------------------------------------

    def snapshot(self, m2m: dict[str, Any] | None = None) -> dict[str, Any]:
        """The content as a JSON-ready dict: every translated field and every snapshot field (many-to-many
        fields as sorted lists of ids, foreign keys as ids). Many-to-many values come from the saved object,
        or from `m2m` ({name: objects or ids}) when given there: an edit not written to the object (a pending
        change of a published item) is snapshotted from the form's values."""
        m2m = m2m or {}
        data: dict[str, Any] = {name: dict(getattr(self, name) or {}) for name in self.translated_fields}
        for name in self.snapshot_fields:
            field = self._meta.get_field(name)
            if field.many_to_many and name in m2m:
                data[name] = sorted(getattr(value, "pk", value) for value in m2m[name])
            elif field.many_to_many:
                data[name] = sorted(getattr(self, name).values_list("pk", flat=True))
            elif field.is_relation:
                data[name] = getattr(self, field.attname)
            else:
                data[name] = getattr(self, name)  # DjangoJSONEncoder writes dates and decimals
        return data

    def apply_snapshot(self, data: dict[str, Any]) -> dict[str, list]:
        """Set fields from a snapshot (fields the snapshot lacks are left alone). Returns the many-to-many
        values, {name: ids}, to set once the object is saved (editorial.services.restore does it)."""
        m2m: dict[str, list] = {}
        for name in self.translated_fields:
            if name in data:
                setattr(self, name, dict(data[name] or {}))
        for name in self.snapshot_fields:
            if name not in data:
                continue
            field = self._meta.get_field(name)
            if field.many_to_many:
                m2m[name] = list(data[name] or [])
            elif field.is_relation:
                setattr(self, field.attname, data[name])
            else:
                setattr(self, name, field.to_python(data[name]))
        return m2m

    def revisions(self):
        """This object's revisions, newest first."""
        return Revision.objects.filter(content_type=ContentType.objects.get_for_model(self),
                                       object_id=self.pk).select_related("author")


class Revision(models.Model):
    """A snapshot of an editorial object taken at every save (content or state), numbered 1, 2, 3... per
    object. Never changed once written; restoring one writes a new revision."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    number = models.PositiveIntegerField(_("revision"))
    data = models.JSONField(_("content"), encoder=DjangoJSONEncoder)
    status = models.CharField(_("state"), max_length=16, choices=Status.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+", verbose_name=_("by"))
    created_at = models.DateTimeField(_("when"), auto_now_add=True)
    note = models.CharField(_("what happened"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["content_type", "object_id", "number"],
                                               name="one_revision_number_per_object")]

    def __str__(self) -> str:
        return f"{self.content_type.model}:{self.object_id} #{self.number}"


class PendingChange(models.Model):
    """An edit of a published item waiting for review, so the live version stays on the site meanwhile: the
    edited content as a snapshot (the same JSON as Revision.data), its own draft → in review state, its
    author and the reviewer's comment. At most one per item; approving it applies it to the item (a new
    revision) and deletes it (editorial.services)."""

    STATES = [(Status.DRAFT.value, Status.DRAFT.label), (Status.IN_REVIEW.value, Status.IN_REVIEW.label)]

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    data = models.JSONField(_("content"), encoder=DjangoJSONEncoder)
    status = models.CharField(_("state"), max_length=16, choices=STATES, default=Status.DRAFT)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+", verbose_name=_("last author"))
    review_comment = models.TextField(_("reviewer's comment"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        verbose_name = _("pending change")
        verbose_name_plural = _("pending changes")
        constraints = [models.UniqueConstraint(fields=["content_type", "object_id"],
                                               name="one_pending_change_per_object")]

    def __str__(self) -> str:
        return f"{self.content_type.model}:{self.object_id} ({self.status})"

    @classmethod
    def states_for(cls, model, ids) -> dict[int, str]:
        """{object id: state of its pending change} for objects `ids` of `model`, in one query."""
        return dict(cls.objects.filter(content_type=ContentType.objects.get_for_model(model), object_id__in=ids)
                    .values_list("object_id", "status"))


def _image_path(instance: "EditorialImage", filename: str) -> str:
    return f"editorial/{timezone.now():%Y/%m}/{filename}"


class EditorialImage(LoggedModel):
    """An image an editor uploaded for content: re-encoded with its metadata stripped (civicdesk/lib/media.py),
    shown at IMAGE_PREFIX<pk>/ and inserted into Markdown as ![alt text](url). Alt text is required."""

    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.CASCADE, related_name="+",
                                     verbose_name=_("jurisdiction"))
    file = models.FileField(_("image"), upload_to=_image_path)
    content_type = models.CharField(max_length=40)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    alt_text = models.CharField(_("alt text"), max_length=250,
                                help_text=_("What the image shows, for people who cannot see it."))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("content image")
        verbose_name_plural = _("content images")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.alt_text

    def url(self) -> str:
        return f"{text.IMAGE_PREFIX}{self.pk}/"

    def is_in_published_content(self, now: dt.datetime | None = None) -> bool:
        """True when an item residents can see now (`public()`) of any registered content type shows this image
        in one of its Markdown fields (any language). One query per content type with Markdown fields."""
        from django.db.models import TextField
        from django.db.models.functions import Cast

        from . import registry

        url = self.url()
        for editable in registry.editables():
            model = editable.model_class()
            if not model.markdown_fields:
                continue
            casts = {f"_text_{name}": Cast(name, output_field=TextField()) for name in model.markdown_fields}
            uses = Q()
            for alias in casts:
                uses |= Q(**{f"{alias}__contains": url})
            if model.objects.public(now).annotate(**casts).filter(uses).exists():
                return True
        return False

    def markdown(self) -> str:
        """The snippet that shows this image in Markdown (brackets in the alt text are escaped)."""
        alt = self.alt_text.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")
        return f"![{alt}]({self.url()})"
