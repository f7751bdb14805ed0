"""The document library: bylaws, agendas, minutes, maps, forms, reports and plans, each with its kept versions."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicdesk.editorial.models import EditorialContent, EditorialQuerySet, Status


class DocumentQuerySet(EditorialQuerySet):
    def public(self, now: dt.datetime | None = None):
        """Documents residents may see now: approved and published (the editorial rule: publish time reached,
        unpublish time not), of an active jurisdiction, with a published version to download. Documents no
        longer in force stay public, marked so."""
        return super().public(now).filter(current_version__isnull=False)

    visible = public

    def in_force(self, today: dt.date | None = None):
        """Documents in force on `today`: started (or no start date) and not ended (or no end date)."""
        today = today or timezone.localdate()
        return self.filter(Q(effective_from__isnull=True) | Q(effective_from__lte=today),
                           Q(effective_until__isnull=True) | Q(effective_until__gte=today))


class Document(EditorialContent):
    """A public document of one jurisdiction: a bylaw in force, a council agenda, a superseded plan.

    On the editorial base (civicdesk/editorial): draft → in review → published by another editor than the last
    author, publish_at / unpublish_at, revisions and audit. Title and summary are JSON maps language → text
    (`title_text()` / `summary_text()` fall back to the default language). `language` is the language the
    files are written in: their extracted text is stemmed in it for search. Every upload is a new
    `DocumentVersion`; `current_version` is the newest published one (kept by services.refresh_current()).
    `effective_from` / `effective_until` say when the document is in force, which is shown, not hidden.

    Versions are approved with four eyes too: a version uploaded while the document is not published is
    published when another editor approves the document (see `save()`); a version uploaded to a published
    document waits until another editor than its uploader approves it (services.approve_version).
    """

    class Kind(models.TextChoices):
        AGENDA = "agenda", _("Agenda")
        MINUTES = "minutes", _("Minutes")
        BYLAW = "bylaw", _("Bylaw")
        ZONING_MAP = "zoning_map", _("Zoning map")
        FORM = "form", _("Form")
        POLICY = "policy", _("Policy")
        REPORT = "report", _("Report")
        PLAN = "plan", _("Plan")
        OTHER = "other", _("Other document")

    department = models.ForeignKey("jurisdictions.Department", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="library_documents", verbose_name=_("department"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.OTHER)
    title = models.JSONField(_("title"), default=dict, blank=True)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    language = models.CharField(_("language of the document"), max_length=8, default=settings.LANGUAGE_CODE,
                                help_text=_("Its text is searched in this language."))
    topics = models.CharField(_("topics and keywords"), max_length=300, blank=True,
                              help_text=_("Words residents might search for, separated by commas."))
    effective_from = models.DateField(_("in force from"), null=True, blank=True)
    effective_until = models.DateField(_("in force until"), null=True, blank=True)
    current_version = models.ForeignKey("DocumentVersion", null=True, blank=True, on_delete=models.SET_NULL,
                                        related_name="+", verbose_name=_("current version"))

    translated_fields = ("title", "summary")
    multiline_fields = ("summary",)
    required_translated = ("title",)
    snapshot_fields = ("kind", "department", "language", "topics", "effective_from", "effective_until")

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-effective_from", "-id"]
        indexes = [models.Index(fields=["status", "kind"], name="documents_status_kind"),
                   models.Index(fields=["jurisdiction", "kind"], name="documents_jurisdiction_kind")]
        constraints = [models.CheckConstraint(
            condition=Q(effective_until__isnull=True) | Q(effective_from__isnull=True)
            | Q(effective_until__gte=models.F("effective_from")), name="documents_until_after_from")]

    def save(self, *args, **kwargs):
        """Save; when this save approves the document (status published by a reviewer), its versions waiting
        since before the approval are published with it, except those the reviewer uploaded (four eyes)."""
        super().save(*args, **kwargs)
        fields = kwargs.get("update_fields")
        if self.status == Status.PUBLISHED and self.reviewed_at and (fields is None or "status" in fields):
            from .services import publish_reviewed_versions

            publish_reviewed_versions(self)

    def __str__(self) -> str:
        return self.title_text() or f"#{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("documents:detail", args=[self.pk])

    def title_text(self, language: str | None = None) -> str:
        """The title in `language` (default: the active one), else in the site's default language."""
        return self.text("title", language).text

    def summary_text(self, language: str | None = None) -> str:
        return self.text("summary", language).text

    def is_in_force(self, today: dt.date | None = None) -> bool:
        today = today or timezone.localdate()
        return ((self.effective_from is None or self.effective_from <= today)
                and (self.effective_until is None or self.effective_until >= today))

    def force_state(self, today: dt.date | None = None) -> str:
        """"upcoming" (comes into force later), "ended" (no longer in force) or "in_force"."""
        today = today or timezone.localdate()
        if self.effective_from and self.effective_from > today:
            return "upcoming"
        if self.effective_until and self.effective_until < today:
            return "ended"
        return "in_force"

    def is_public(self, now: dt.datetime | None = None) -> bool:
        """The same rule as DocumentQuerySet.public(), for one document in memory."""
        return super().is_public(now) and self.current_version_id is not None

    def dated(self) -> dt.date | None:
        """The date the library shows and filters by year: in force from, else the day it was published."""
        if self.effective_from:
            return self.effective_from
        published = self.publish_at or self.reviewed_at
        return timezone.localdate(published) if published else None

    def topic_list(self) -> list[str]:
        return [word.strip() for word in self.topics.split(",") if word.strip()]


def version_path(instance: DocumentVersion, filename: str) -> str:
    return f"documents/{instance.document_id}/{instance.number}-{instance.sha256[:12]}.{instance.extension}"


class DocumentVersion(models.Model):
    """One uploaded file of a document. Numbers count up from 1 per document; a version is published with the
    document's upload unless saved as a draft; the newest published one is the document's current version.

    The type is sniffed from the content (civicdesk/lib/documents.py); `sha256` and `size` are of the stored
    bytes; `pages` counts PDF pages, `sheets` spreadsheet sheets (None when unknown). `text` is what the task
    worker extracted (at most settings.DOCUMENT_TEXT_MAX_CHARS characters), `text_status` how that went.
    """

    class TextStatus(models.TextChoices):
        PENDING = "pending", _("Waiting for text extraction")
        DONE = "done", _("Text extracted")
        NO_TEXT = "no_text", _("No text found (a scanned image?)")
        ENCRYPTED = "encrypted", _("Encrypted: the text cannot be read")
        FAILED = "failed", _("Damaged: the text cannot be read")
        IMAGE = "image", _("An image: no text to read")

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    file = models.FileField(_("file"), upload_to=version_path, max_length=255)
    original_name = models.CharField(_("original file name"), max_length=255, blank=True)
    content_type = models.CharField(_("type"), max_length=100)
    extension = models.CharField(max_length=8)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    sha256 = models.CharField(max_length=64)
    pages = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    sheets = models.PositiveIntegerField(_("sheets"), null=True, blank=True)
    change_note = models.CharField(_("what changed"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("uploaded by"))
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    text = models.TextField(_("extracted text"), blank=True)
    text_status = models.CharField(_("text"), max_length=16, choices=TextStatus.choices,
                                   default=TextStatus.PENDING)
    text_error = models.CharField(max_length=300, blank=True)
    extracted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("document version")
        verbose_name_plural = _("document versions")
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["document", "number"], name="documents_one_version_number")]
        indexes = [models.Index(fields=["text_status"], name="documents_version_text_status")]

    def __str__(self) -> str:
        return f"{self.document_id} v{self.number}"

    def get_download_url(self) -> str:
        return reverse("documents:download", args=[self.document_id, self.number])

    def type_label(self) -> str:
        """The file type in residents' words: "PDF", "Word", "Spreadsheet (Excel)"..."""
        labels = {"pdf": _("PDF"), "docx": _("Word document"), "odt": _("OpenDocument text"),
                  "xlsx": _("Spreadsheet (Excel)"), "ods": _("Spreadsheet (OpenDocument)"),
                  "csv": _("Spreadsheet (CSV)"), "jpg": _("Image (JPEG)"), "png": _("Image (PNG)"),
                  "webp": _("Image (WebP)")}
        return str(labels.get(self.extension, self.extension.upper()))

    def size_label(self) -> str:
        """"240 KB" or "1.3 MB" (civicdesk/lib/documents.py)."""
        from civicdesk.lib.documents import size_label

        return size_label(self.size)

    def text_readable(self) -> bool:
        """False when the worker found no text to index (a scanned image, encrypted, damaged, an image)."""
        return self.text_status == self.TextStatus.DONE
