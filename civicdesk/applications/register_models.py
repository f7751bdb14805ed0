"""The public register's tables: what each type publishes (`RegisterSettings`) and one row of public facts per
issued permit (`RegisterEntry`), kept by civicdesk/applications/registers.py.

The entry copies only what may be public, chosen when it is written: the holder's name only when the type's
settings say the law makes it public, answers only of questions marked public, the place only when the type
publishes it. Changing the settings rewrites the type's entries (registers.rebuild_type), so the register's
pages, map and exports read one narrow table and never the applications themselves.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

#: Side of a map cell in degrees (about 1 km): the register's map counts permits per cell when it has many.
CELL_DEGREES = 0.01


class RegisterSettings(models.Model):
    """Whether a type's permits are listed in the public register, and which of their facts are.

    The permit number and the type are always shown when the register is on. `show_holder` is for types whose
    law makes the holder's name public (business licences); contact details are never published."""

    application_type = models.OneToOneField("applications.ApplicationType", on_delete=models.CASCADE,
                                            related_name="register")
    enabled = models.BooleanField(_("list issued permits in the public register"), default=False)
    show_place = models.BooleanField(_("publish the place (address and map)"), default=True)
    show_dates = models.BooleanField(_("publish the issue and expiry dates"), default=True)
    show_status = models.BooleanField(_("publish the status (valid, expired, revoked)"), default=True)
    show_holder = models.BooleanField(
        _("publish the holder's name (only where the law makes it public, e.g. business licences)"), default=False)
    place_question = models.ForeignKey("formengine.Question", null=True, blank=True, on_delete=models.SET_NULL,
                                       related_name="+", verbose_name=_("question giving the place"))
    public_questions = models.ManyToManyField("formengine.Question", blank=True, related_name="+",
                                              verbose_name=_("answers published"))

    class Meta:
        verbose_name = _("public register settings")
        verbose_name_plural = _("public register settings")

    def __str__(self) -> str:
        return f"register of {self.application_type}"


class RegisterEntryQuerySet(models.QuerySet):
    def with_state(self, state: str, today: dt.date):
        """Entries in `state` ("valid", "expired" or "revoked") on `today`; any other value filters nothing."""
        if state == "revoked":
            return self.filter(revoked=True)
        if state == "expired":
            return self.filter(revoked=False, valid_until__lt=today)
        if state == "valid":
            return self.filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today), revoked=False)
        return self


class RegisterEntry(models.Model):
    """One issued permit as the public register shows it: only public facts (see the module's docstring)."""

    permit = models.OneToOneField("applications.Permit", primary_key=True, on_delete=models.CASCADE,
                                  related_name="register_entry")
    application_type = models.ForeignKey("applications.ApplicationType", on_delete=models.CASCADE, related_name="+")
    jurisdiction = models.ForeignKey("jurisdictions.Jurisdiction", on_delete=models.CASCADE, related_name="+")
    number = models.CharField(max_length=100)
    issued_on = models.DateField()
    valid_from = models.DateField(null=True, blank=True)
    valid_until = models.DateField(null=True, blank=True)
    revoked = models.BooleanField(default=False)
    place = models.CharField(max_length=300, blank=True)
    lat = models.FloatField(null=True, blank=True)
    long = models.FloatField(null=True, blank=True)
    cell = models.CharField(max_length=24, blank=True)
    district = models.ForeignKey("jurisdictions.District", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    holder = models.CharField(max_length=200, blank=True)
    answers = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = RegisterEntryQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["application_type", "permit"], name="register_type_permit"),
            models.Index(fields=["district", "permit"], name="register_district_permit"),
            models.Index(fields=["issued_on", "permit"], name="register_issued_permit"),
            models.Index(fields=["cell"], name="register_cell"),
        ]

    def state(self, today: dt.date) -> str:
        """"revoked", "expired" (past `valid_until`) or "valid" on `today`."""
        if self.revoked:
            return "revoked"
        if self.valid_until is not None and self.valid_until < today:
            return "expired"
        return "valid"


def cell_of(lat: float | None, long: float | None) -> str:
    """The map cell holding the point ("" without one): its south-west corner in cell units, "row:col"."""
    if lat is None or long is None:
        return ""
    return f"{int(lat // CELL_DEGREES)}:{int(long // CELL_DEGREES)}"
