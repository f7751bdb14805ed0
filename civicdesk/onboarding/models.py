"""An uploaded boundary file kept between the upload and the save, so the preview can be checked again."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

#: Uploads left unsaved are deleted after this long (at the next upload).
UPLOAD_KEPT_FOR = dt.timedelta(days=1)


class BoundaryUpload(models.Model):
    """A boundary file one person uploaded in the staff console, waiting for their preview and save.

    Only its uploader may see or save it; it is deleted when saved, or a day later.
    """

    class Kind(models.TextChoices):
        JURISDICTION = "jurisdiction", _("Jurisdiction boundary")
        DISTRICT = "district", _("Districts")
        AREA = "area", _("Routing rule areas")

    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    jurisdiction = models.ForeignKey("jurisdictions.Jurisdiction", null=True, blank=True, on_delete=models.CASCADE,
                                     related_name="+", verbose_name=_("jurisdiction"))
    kind = models.CharField(_("what the file holds"), max_length=16, choices=Kind.choices)
    replace = models.BooleanField(_("replace boundaries that already exist"), default=False)
    filename = models.CharField(_("file name"), max_length=200)
    data = models.BinaryField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["created_at"], name="boundaryupload_created")]

    def __str__(self) -> str:
        return self.filename

    @classmethod
    def purge_stale(cls, now: dt.datetime | None = None) -> int:
        """Delete uploads older than UPLOAD_KEPT_FOR; returns how many went."""
        now = now or timezone.now()
        return cls.objects.filter(created_at__lt=now - UPLOAD_KEPT_FOR).delete()[0]
