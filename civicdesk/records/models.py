"""Public-records requests: an application type with a records policy, the request's public face in the log,
its extensions, the responsive documents staff gather, and the exemptions (legal reasons) they cite.

A records request IS an `applications.Application` whose type has a `RecordsPolicy`: the form, submission, the
requester's "My applications", requests for clarification (which pause the clock) and the deadline sweep all
come from civicdesk/applications. The legal clock maps onto the application's two deadlines:

- acknowledgement due = `Application.intake_due_on` (the type's `intake_days` business days after submission),
- answer due = `Application.decision_due_on` (the type's `decision_days`), moved by pauses and extensions.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicdesk.audit.models import LoggedModel
from civicdesk.formengine.text import pick


class RecordsPolicy(LoggedModel):
    """Makes an application type a public-records request type and holds the rules the law adds: how many
    extensions staff may take (`max_extensions`), how long each may be (`max_extension_days` business days),
    and how long a release link works (`link_days` calendar days)."""

    application_type = models.OneToOneField("applications.ApplicationType", on_delete=models.CASCADE,
                                            related_name="records_policy")
    max_extensions = models.PositiveSmallIntegerField(_("extensions allowed"), default=1)
    max_extension_days = models.PositiveSmallIntegerField(_("longest extension (business days)"), default=10)
    link_days = models.PositiveSmallIntegerField(_("a download link works for (days)"), default=30)

    class Meta:
        verbose_name = _("records policy")
        verbose_name_plural = _("records policies")

    def __str__(self) -> str:
        return str(self.application_type)

    def audit_jurisdiction_id(self) -> int | None:
        return self.application_type.jurisdiction_id


class ExemptionReason(LoggedModel):
    """A legal reason to withhold a record, in whole or in part, with the statute it rests on (per
    jurisdiction; configured by its administrators in the staff console, /staff/records/exemptions/). The
    requester and the public log read label (a language -> text map) and citation. A reason a document cites
    is never deleted, only taken out of use (`is_active` off: no longer offered when marking documents)."""

    jurisdiction = models.ForeignKey("jurisdictions.Jurisdiction", on_delete=models.CASCADE,
                                     related_name="exemption_reasons", verbose_name=_("jurisdiction"))
    code = models.SlugField(_("code"), max_length=40)
    label = models.JSONField(_("reason"), default=dict)
    citation = models.CharField(_("statute"), max_length=200)
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("exemption reason")
        verbose_name_plural = _("exemption reasons")
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["jurisdiction", "code"], name="one_exemption_code")]

    def __str__(self) -> str:
        return f"{pick(self.label) or self.code} ({self.citation})"

    def is_cited(self) -> bool:
        """True when a responsive document cites this reason (then it may only be taken out of use)."""
        return ResponsiveDocument.objects.filter(exemption=self).exists()


class Outcome(models.TextChoices):
    GRANTED = "granted", _("Granted in full")
    PARTIAL = "partial", _("Granted in part")
    DENIED = "denied", _("Denied")
    NO_RECORDS = "no_records", _("No responsive records")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class RecordsRequestQuerySet(models.QuerySet):
    def in_log(self):
        """Every request the public log lists: submitted (not drafts), in an active jurisdiction."""
        from civicdesk.applications.models import Application

        return self.exclude(application__status=Application.Status.DRAFT).filter(
            application__jurisdiction__is_active=True)


class RecordsRequest(LoggedModel):
    """The records side of one request. `public_summary` is what the public log shows instead of the
    requester's words (it starts as the description asked, and staff edit it; the requester's name and
    contact details are never shown). `outcome` is set at release (or WITHDRAWN when the requester withdraws).
    `business_days_taken`: open days of the jurisdiction's calendar after the day of submission up to and
    including the day of release (pauses included: the log shows elapsed time, not the legal clock)."""

    application = models.OneToOneField("applications.Application", on_delete=models.CASCADE,
                                       related_name="records_request")
    public_summary = models.TextField(_("public summary"), blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, blank=True)
    released_at = models.DateTimeField(null=True, blank=True)
    business_days_taken = models.PositiveIntegerField(null=True, blank=True)
    release_note = models.TextField(_("message to the requester"), blank=True)
    links_sent = models.PositiveIntegerField(default=0)

    objects = RecordsRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("public-records request")
        verbose_name_plural = _("public-records requests")

    def __str__(self) -> str:
        return self.number

    def audit_jurisdiction_id(self) -> int | None:
        return self.application.jurisdiction_id

    @property
    def number(self) -> str:
        """The reference quoted in the log and messages: PRR-000042 (the application's number)."""
        return f"PRR-{self.application_id:06d}"

    def get_absolute_url(self) -> str:
        return reverse("records:entry", args=[self.application_id])

    def get_requester_url(self) -> str:
        return reverse("records:mine", args=[self.application_id])

    def get_staff_url(self) -> str:
        return reverse("records_staff:detail", args=[self.application_id])

    def is_released(self) -> bool:
        return self.released_at is not None


class Extension(models.Model):
    """One extension of the answer deadline, with the reason the requester was sent."""

    records_request = models.ForeignKey(RecordsRequest, on_delete=models.CASCADE, related_name="extensions")
    days = models.PositiveSmallIntegerField()
    reason = models.TextField()
    due_before = models.DateField()
    due_after = models.DateField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]


def responsive_path(instance: ResponsiveDocument, filename: str) -> str:
    return f"records/{timezone.now():%Y/%m}/{instance.records_request_id}/{secrets.token_hex(8)}-{filename}"


class ResponsiveDocument(models.Model):
    """A record staff found for the request. RELEASE: released as it is. PARTIAL: released only as the
    redacted version staff upload (`redacted_file`), citing the exemption. WITHHOLD: never released, citing the
    exemption. Released documents are public in the log unless `in_public_log` is off; the original of a
    partly released document and a withheld document are never served outside the staff console."""

    class Treatment(models.TextChoices):
        RELEASE = "release", _("Release in full")
        PARTIAL = "partial", _("Release in part (redacted)")
        WITHHOLD = "withhold", _("Withhold in full")

    records_request = models.ForeignKey(RecordsRequest, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField(upload_to=responsive_path, max_length=255)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    treatment = models.CharField(_("treatment"), max_length=10, choices=Treatment.choices, default=Treatment.RELEASE)
    exemption = models.ForeignKey(ExemptionReason, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("exemption"))
    redacted_file = models.FileField(upload_to=responsive_path, max_length=255, blank=True)
    redacted_content_type = models.CharField(max_length=100, blank=True)
    in_public_log = models.BooleanField(_("public in the log once released"), default=True)
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name

    def is_releasable(self) -> bool:
        """True when this document goes to the requester at release: in full, or partly once redacted."""
        if self.treatment == self.Treatment.RELEASE:
            return True
        return self.treatment == self.Treatment.PARTIAL and bool(self.redacted_file)

    def released_file(self):
        """(file, content type) the requester and the public get, or None when it is withheld."""
        if not self.is_releasable():
            return None
        if self.treatment == self.Treatment.PARTIAL:
            return self.redacted_file, self.redacted_content_type
        return self.file, self.content_type
