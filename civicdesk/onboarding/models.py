"""Uploads kept between a staff console upload and its save (boundary files, staff lists), and staff invitations."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicdesk.audit.models import LoggedModel

#: Uploads left unsaved are deleted after this long (at the next upload).
UPLOAD_KEPT_FOR = dt.timedelta(days=1)


class PendingUpload(models.Model):
    """A file one person uploaded in the staff console, kept for them alone until they save what it holds
    (then deleted) or for UPLOAD_KEPT_FOR."""

    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    jurisdiction = models.ForeignKey("jurisdictions.Jurisdiction", null=True, blank=True, on_delete=models.CASCADE,
                                     related_name="+", verbose_name=_("jurisdiction"))
    filename = models.CharField(_("file name"), max_length=200)
    data = models.BinaryField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.filename

    @classmethod
    def purge_stale(cls, now: dt.datetime | None = None) -> int:
        """Delete uploads older than UPLOAD_KEPT_FOR; returns how many went."""
        now = now or timezone.now()
        return cls.objects.filter(created_at__lt=now - UPLOAD_KEPT_FOR).delete()[0]


class BoundaryUpload(PendingUpload):
    """A boundary file waiting for its uploader's preview and save."""

    class Kind(models.TextChoices):
        JURISDICTION = "jurisdiction", _("Jurisdiction boundary")
        DISTRICT = "district", _("Districts")
        AREA = "area", _("Routing rule areas")

    kind = models.CharField(_("what the file holds"), max_length=16, choices=Kind.choices)
    replace = models.BooleanField(_("replace boundaries that already exist"), default=False)

    class Meta:
        indexes = [models.Index(fields=["created_at"], name="boundaryupload_created")]


class StaffImportUpload(PendingUpload):
    """A staff CSV waiting for its uploader's review and confirm. The file is planned again on confirm, so what
    is applied is what the review showed against the data of that moment."""

    class Meta:
        indexes = [models.Index(fields=["created_at"], name="staffimportupload_created")]


class StaffInvitation(LoggedModel):
    """An emailed invitation to a new staff member: a signed link that works once, until `expires_at`.

    The link carries the invitation's id and `nonce`; sending it again draws a new nonce (so earlier links stop
    working) and a new expiry. Following it lets the person choose a password, then sends them through the
    two-factor enrolment of civicdesk/accounts before the staff console opens.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_invitations")
    jurisdiction = models.ForeignKey("jurisdictions.Jurisdiction", on_delete=models.CASCADE, related_name="+",
                                     verbose_name=_("jurisdiction"))
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    nonce = models.CharField(max_length=32)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(_("last sent"), default=timezone.now)
    times_sent = models.PositiveSmallIntegerField(_("times sent"), default=1)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)

    class Meta:
        verbose_name = _("staff invitation")
        verbose_name_plural = _("staff invitations")
        indexes = [models.Index(fields=["jurisdiction", "accepted_at"], name="staffinvitation_pending")]

    def __str__(self) -> str:
        return f"{self.user} ({self.jurisdiction})"

    def is_pending(self) -> bool:
        """True while the invitation has not been accepted (expired or not)."""
        return self.accepted_at is None

    def is_expired(self, now: dt.datetime | None = None) -> bool:
        """True once `expires_at` has passed without the invitation being accepted."""
        return self.accepted_at is None and (now or timezone.now()) >= self.expires_at
