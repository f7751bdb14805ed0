"""Uploads kept between attempts of the report form, so a form error or the 911 stop loses no photo."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def pending_path(instance: PendingUpload, filename: str) -> str:
    return f"pending/{timezone.now():%Y/%m/%d}/{instance.owner[:16]}/{filename}"


class PendingUpload(models.Model):
    """A photo or video already checked and re-encoded by lib.media, waiting for the report to be sent.

    `owner` is a random key kept in the uploader's session (see intake.uploads.owner_key), so only the
    browser session that uploaded it can attach, view or remove it. Rows older than
    PENDING_UPLOAD_MAX_AGE are deleted with their files by `manage.py purge_pending_uploads`.
    """

    owner = models.CharField(_("session owner"), max_length=64, db_index=True)
    kind = models.CharField(_("kind"), max_length=8)
    file = models.FileField(upload_to=pending_path, max_length=255)
    thumbnail = models.FileField(upload_to=pending_path, max_length=255, blank=True)
    content_type = models.CharField(max_length=64)
    original_name = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("pending upload")
        verbose_name_plural = _("pending uploads")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.original_name} ({self.created_at:%Y-%m-%d %H:%M})"

    def is_expired(self, max_age: dt.timedelta, now: dt.datetime | None = None) -> bool:
        """True once the upload is older than `max_age` and should no longer be attached."""
        return self.created_at < (now or timezone.now()) - max_age

    def delete_with_files(self) -> None:
        """Delete the row and its stored file and thumbnail (missing files are ignored)."""
        for stored in (self.file, self.thumbnail):
            if stored:
                try:
                    stored.storage.delete(stored.name)
                except OSError:
                    pass
        self.delete()
