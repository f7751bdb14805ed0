"""Inspections a permit needs: which types need one (and before which review step), inspectors' slots, the
applicants' bookings and the inspectors' results (pass/fail, notes, photos).

Inspectors are the staff and supervisors of the department an `InspectionRule` names (department members; no new
role). A slot holds `capacity` bookings; `booked` counts the open and finished ones and is only ever raised by a
conditional UPDATE (`booked < capacity`), so two applicants booking the last place at once cannot both get it, on
SQLite and PostgreSQL alike (the check constraint is the last line of defence).
"""

from __future__ import annotations

import datetime as dt
import secrets
import zoneinfo

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicdesk.audit.models import LoggedModel


class InspectionRule(LoggedModel):
    """An application type needs a passed inspection before `before_step` is finished (for the decision step:
    before approval). Its inspectors are the department's staff and supervisors."""

    application_type = models.OneToOneField("applications.ApplicationType", on_delete=models.CASCADE,
                                            related_name="inspection_rule", verbose_name=_("application type"))
    department = models.ForeignKey("jurisdictions.Department", on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("inspectors' department"))
    before_step = models.ForeignKey("applications.ReviewStep", on_delete=models.CASCADE, related_name="+",
                                    verbose_name=_("an inspection must pass before this step is finished"))

    class Meta:
        verbose_name = _("inspection rule")
        verbose_name_plural = _("inspection rules")

    def __str__(self) -> str:
        return f"{self.application_type}: {self.before_step}"

    def audit_jurisdiction_id(self) -> int | None:
        return self.application_type.jurisdiction_id


class Slot(LoggedModel):
    """An inspector's availability: a time on a day and how many inspections fit in it.

    Times are stored in UTC and always shown in the time zone of the department's jurisdiction (`tz`), whatever
    the server's TIME_ZONE: templates write `slot.starts_at|timezone:slot.tz`, Python `slot.local_starts_at()`.
    Read slots with `select_related("department__jurisdiction")` to keep that free."""

    department = models.ForeignKey("jurisdictions.Department", on_delete=models.CASCADE, related_name="+")
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                                  verbose_name=_("inspector"))
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    capacity = models.PositiveSmallIntegerField(_("inspections in this slot"), default=1)
    booked = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["department", "starts_at"])]
        constraints = [models.CheckConstraint(condition=models.Q(booked__lte=models.F("capacity")),
                                              name="inspections_slot_not_overbooked")]

    def __str__(self) -> str:
        return f"{self.local_starts_at():%Y-%m-%d %H:%M %Z}"

    def audit_jurisdiction_id(self) -> int | None:
        return self.department.jurisdiction_id

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        """The time zone the slot's times are shown and entered in: its jurisdiction's (`Jurisdiction.tz`)."""
        return self.department.jurisdiction.tz

    def local_starts_at(self) -> dt.datetime:
        """When the slot starts, in its jurisdiction's time zone (aware)."""
        return self.starts_at.astimezone(self.tz)

    def local_ends_at(self) -> dt.datetime:
        """When the slot ends, in its jurisdiction's time zone (aware)."""
        return self.ends_at.astimezone(self.tz)

    def when_text(self) -> str:
        """The start as plain text for timelines, audit data and messages: "2026-05-04 09:00 PDT" in the
        jurisdiction's time zone (its abbreviation, so the text is clear wherever it is read)."""
        return self.local_starts_at().strftime("%Y-%m-%d %H:%M %Z")

    def places_left(self) -> int:
        return max(0, self.capacity - self.booked)


class Booking(LoggedModel):
    """An applicant's booking of a slot for an application, and the inspector's result. At most one booking
    per application is open (BOOKED) at a time; after a FAILED result the applicant books again."""

    class Status(models.TextChoices):
        BOOKED = "booked", _("Booked")
        PASSED = "passed", _("Passed")
        FAILED = "failed", _("Failed")

    slot = models.ForeignKey(Slot, on_delete=models.PROTECT, related_name="bookings")
    application = models.ForeignKey("applications.Application", on_delete=models.CASCADE,
                                    related_name="inspections")
    status = models.CharField(_("result"), max_length=8, choices=Status.choices, default=Status.BOOKED)
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    recorded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["slot__starts_at", "id"]
        constraints = [models.UniqueConstraint(fields=["application"], condition=models.Q(status="booked"),
                                               name="inspections_one_open_booking")]

    def __str__(self) -> str:
        return f"{self.application} @ {self.slot}"

    def audit_jurisdiction_id(self) -> int | None:
        return self.application.jurisdiction_id


def photo_path(instance: InspectionPhoto, filename: str) -> str:
    return f"inspections/{timezone.now():%Y/%m}/{instance.booking_id}/{secrets.token_hex(8)}-{filename}"


class InspectionPhoto(models.Model):
    """A photo the inspector took, re-encoded without its metadata (civicdesk/lib/media.py). Private: shown to
    staff who reach the application and to the applicant."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(upload_to=photo_path, max_length=255)
    content_type = models.CharField(max_length=40)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
