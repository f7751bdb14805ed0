"""Documents staff send to the applicant (a letter, a stamped plan, a checklist to fill in). Imported by models.py."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def sent_document_path(instance: SentDocument, filename: str) -> str:
    return f"applications/{timezone.now():%Y/%m}/{instance.application_id}/sent-{secrets.token_hex(8)}-{filename}"


class SentDocument(models.Model):
    """A file staff sent to the applicant with a message. Private like the applicant's own documents: served
    only to the applicant and to staff who reach the application, never from a public URL. The file was checked
    by its content (civicdesk/lib/documents.py) before it was stored."""

    application = models.ForeignKey("applications.Application", on_delete=models.CASCADE,
                                    related_name="sent_documents")
    file = models.FileField(upload_to=sent_document_path, max_length=255)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    message = models.TextField(_("message to the applicant"))
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["sent_at", "id"]
        verbose_name = _("document sent to the applicant")
        verbose_name_plural = _("documents sent to the applicant")

    def __str__(self) -> str:
        return self.original_name
