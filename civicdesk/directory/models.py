"""The directory's own content: a profile per department (what it does, address, hours), a guide per service type
(what it covers and what it does not), and permit and licence guides with their fees. Text residents read is a
JSON map language → text, so a new site language needs no schema change."""

from __future__ import annotations

import datetime as dt
import math

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy as _

from civicdesk.audit.models import LoggedModel

from . import hours as hours_lib
from .text import localized, pick, pick_list


def _empty() -> dict:
    return {}


def validate_text_map(value) -> None:
    """language → text, every value a string."""
    if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise ValidationError(_("Give the text as a map of language code to text."))


def validate_list_map(value) -> None:
    """language → list of lines, every line a string."""
    if not isinstance(value, dict) or not all(
            isinstance(k, str) and isinstance(v, list) and all(isinstance(line, str) for line in v)
            for k, v in value.items()):
        raise ValidationError(_("Give the list as a map of language code to a list of lines."))


class PublishedQuerySet(models.QuerySet):
    def public(self):
        """What residents may see now: published."""
        return self.filter(is_published=True)


class DepartmentProfile(LoggedModel):
    """What residents read about a department: what it does, where it is, when it is open.

    Extends civicdesk.jurisdictions.Department one-to-one (its name, email and phone stay there). Hours are
    the department's own when set, else its jurisdiction's business hours; the jurisdiction's holidays close
    it unless `open_on_holidays`, and `HoursException` rows change single days.
    """

    department = models.OneToOneField("jurisdictions.Department", on_delete=models.CASCADE,
                                      related_name="directory_profile", verbose_name=_("department"))
    summary = models.JSONField(_("what it does"), default=_empty, blank=True, validators=[validate_text_map],
                               help_text=_("Markdown, per language."))
    address = models.JSONField(_("address"), default=_empty, blank=True, validators=[validate_text_map],
                               help_text=_("One line per line of the address, per language."))
    lat = models.FloatField(_("latitude"), null=True, blank=True,
                            validators=[MinValueValidator(-90), MaxValueValidator(90)])
    long = models.FloatField(_("longitude"), null=True, blank=True,
                             validators=[MinValueValidator(-180), MaxValueValidator(180)])
    hours = models.JSONField(
        _("opening hours"), default=_empty, blank=True, validators=[hours_lib.validate_week],
        help_text=_('Per weekday, e.g. {"mon": [["08:00", "12:00"], ["13:00", "17:00"]]}. Days left out are '
                    'closed. Leave empty to use the jurisdiction\'s business hours.'))
    open_on_holidays = models.BooleanField(_("open on holidays"), default=False)
    is_published = models.BooleanField(_("published"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PublishedQuerySet.as_manager()

    class Meta:
        verbose_name = _("department profile")
        verbose_name_plural = _("department profiles")

    def __str__(self) -> str:
        return str(self.department)

    def clean(self) -> None:
        if (self.lat is None) != (self.long is None):
            raise ValidationError(_("Give both the latitude and the longitude, or neither."))

    def audit_jurisdiction_id(self) -> int | None:
        return self.department.jurisdiction_id

    def address_lines(self, language: str | None = None) -> list[str]:
        """The address in the reader's language (else the default one), one item per line; [] when none."""
        return [line.strip() for line in pick(self.address, language).splitlines() if line.strip()]

    def has_place(self) -> bool:
        return self.lat is not None and self.long is not None

    def directions_url(self) -> str:
        """A link that opens directions to the office in the resident's map app (OpenStreetMap), "" without a
        place."""
        if not self.has_place():
            return ""
        return f"https://www.openstreetmap.org/directions?to={self.lat:.6f}%2C{self.long:.6f}"

    def schedule(self, holidays=None) -> hours_lib.Schedule:
        """The opening schedule. `holidays` (date, name) pairs may be passed when already loaded (else one
        query); exceptions come from the prefetched `exceptions` when prefetched (else one query)."""
        jurisdiction = self.department.jurisdiction
        week = self.hours or jurisdiction.business_hours or {}
        days: dict[dt.date, hours_lib.DayHours] = {}
        if not self.open_on_holidays:
            if holidays is None:
                holidays = jurisdiction.holidays.values_list("date", "name")
            for date, name in holidays:
                days[date] = hours_lib.DayHours(date, [], name, True)
        for exception in self.exceptions.all():
            days[exception.date] = exception.day_hours()
        return hours_lib.Schedule(week, days, jurisdiction.tz)


class HoursException(models.Model):
    """One day with other hours than usual: closed (no times) or open from `opens` to `closes`."""

    profile = models.ForeignKey(DepartmentProfile, on_delete=models.CASCADE, related_name="exceptions")
    date = models.DateField(_("date"))
    opens = models.TimeField(_("opens"), null=True, blank=True)
    closes = models.TimeField(_("closes"), null=True, blank=True)
    note = models.JSONField(_("why"), default=_empty, blank=True, validators=[validate_text_map])

    class Meta:
        verbose_name = _("day with other hours")
        verbose_name_plural = _("days with other hours")
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["profile", "date"], name="one_hours_exception_per_day")]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d}"

    def clean(self) -> None:
        if (self.opens is None) != (self.closes is None):
            raise ValidationError(_("Give both the opening and the closing time, or neither for a closed day."))
        if self.opens is not None and self.opens >= self.closes:
            raise ValidationError(_("The closing time must be after the opening time."))

    def day_hours(self) -> hours_lib.DayHours:
        spans = [(self.opens, self.closes)] if self.opens is not None and self.closes is not None else []
        return hours_lib.DayHours(self.date, spans, pick(self.note), True)


class ServiceGuide(LoggedModel):
    """The editorial text of a service type's A–Z page: what it covers and what it does not."""

    service_type = models.OneToOneField("catalog.ServiceType", on_delete=models.CASCADE,
                                        related_name="directory_guide", verbose_name=_("service type"))
    covers = models.JSONField(_("what it covers"), default=_empty, blank=True, validators=[validate_text_map],
                              help_text=_("Markdown, per language."))
    not_covers = models.JSONField(_("what it does not cover"), default=_empty, blank=True,
                                  validators=[validate_text_map], help_text=_("Markdown, per language."))
    is_published = models.BooleanField(_("published"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PublishedQuerySet.as_manager()

    class Meta:
        verbose_name = _("service guide")
        verbose_name_plural = _("service guides")

    def __str__(self) -> str:
        return str(self.service_type)


slug_validator = RegexValidator(r"^[a-z0-9]+(?:-[a-z0-9]+)*$", _("Use lower-case letters, digits and hyphens."))


class PermitGuide(LoggedModel):
    """A permit or licence: what needs one, what to bring, what it costs, how long it takes, how to apply."""

    class Kind(models.TextChoices):
        PERMIT = "permit", _("Permit")
        LICENCE = "licence", _("License")

    jurisdiction = models.ForeignKey("jurisdictions.Jurisdiction", on_delete=models.CASCADE,
                                     related_name="permit_guides", verbose_name=_("jurisdiction"))
    slug = models.SlugField(_("short name"), max_length=80, unique=True, validators=[slug_validator])
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.PERMIT)
    title = models.JSONField(_("title"), default=_empty, validators=[validate_text_map])
    summary = models.JSONField(_("what needs one"), default=_empty, blank=True, validators=[validate_text_map],
                               help_text=_("Markdown, per language."))
    requirements = models.JSONField(_("requirements"), default=_empty, blank=True, validators=[validate_list_map],
                                    help_text=_("What to bring or have ready: a list per language."))
    processing_days = models.PositiveIntegerField(_("processing time (business days)"), null=True, blank=True)
    processing_note = models.JSONField(_("about the processing time"), default=_empty, blank=True,
                                       validators=[validate_text_map])
    apply_url = models.URLField(_("apply online at"), blank=True)
    apply_steps = models.JSONField(_("how to apply"), default=_empty, blank=True, validators=[validate_list_map],
                                   help_text=_("The steps, in order: a list per language."))
    department = models.ForeignKey("jurisdictions.Department", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="permit_guides", verbose_name=_("department"))
    keywords = models.JSONField(_("keywords"), default=_empty, blank=True, validators=[validate_text_map],
                                help_text=_("Other words residents use, per language (for search)."))
    is_published = models.BooleanField(_("published"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PublishedQuerySet.as_manager()

    class Meta:
        verbose_name = _("permit or license guide")
        verbose_name_plural = _("permit and license guides")
        ordering = ["slug"]

    def __str__(self) -> str:
        return pick(self.title) or self.slug

    def clean(self) -> None:
        if not pick(self.title):
            raise ValidationError({"title": _("Give the title in at least one language.")})
        if self.department_id and self.department.jurisdiction_id != self.jurisdiction_id:
            raise ValidationError({"department": _("The department belongs to another jurisdiction.")})

    def audit_jurisdiction_id(self) -> int | None:
        return self.jurisdiction_id

    def get_absolute_url(self) -> str:
        return reverse("directory:permit", args=[self.slug])

    def title_in(self, language: str | None = None):
        return localized(self.title, language)

    def requirement_lines(self, language: str | None = None) -> list[str]:
        return pick_list(self.requirements, language)

    def step_lines(self, language: str | None = None) -> list[str]:
        return pick_list(self.apply_steps, language)


class PermitFee(models.Model):
    """One fee line of a permit or licence: an amount in integer cents of a currency, and what it pays for."""

    guide = models.ForeignKey(PermitGuide, on_delete=models.CASCADE, related_name="fees")
    amount_cents = models.PositiveIntegerField(_("amount (cents)"))
    currency = models.CharField(_("currency"), max_length=3, default="USD",
                                validators=[RegexValidator(r"^[A-Z]{3}$", _("Use a three-letter code like USD."))])
    covers = models.JSONField(_("what the fee covers"), default=_empty, validators=[validate_text_map])
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("fee")
        verbose_name_plural = _("fees")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.display_amount()

    def display_amount(self) -> str:
        """"$25.00" for US dollars, else "12.50 EUR"; never a float on the way."""
        whole, cents = divmod(self.amount_cents, 100)
        number = f"{whole:,}.{cents:02d}"
        return f"${number}" if self.currency == "USD" else f"{number} {self.currency}"


def expected_time(sla_hours: int | None, hours_per_day: float) -> str:
    """The catalogue's SLA target in words a resident reads: "within 4 business hours" below one working
    day, else "within about 3 business days" (rounded up, `hours_per_day` being the jurisdiction's working
    day); "" when the type has no target."""
    from django.utils.translation import ngettext

    if not sla_hours:
        return ""
    if hours_per_day <= 0 or sla_hours < hours_per_day:
        return ngettext("within %(count)d business hour", "within %(count)d business hours", sla_hours) % {
            "count": sla_hours}
    days = math.ceil(sla_hours / hours_per_day - 1e-9)
    return ngettext("within about %(count)d business day", "within about %(count)d business days", days) % {
        "count": days}


def working_hours_per_day(business_hours: dict | None) -> float:
    """The average length in hours of an open day in a week of hours (0 when never open)."""
    lengths = []
    for key in hours_lib.WEEKDAYS:
        spans = hours_lib.normalise_spans((business_hours or {}).get(key))
        if spans:
            lengths.append(sum((dt.datetime.combine(dt.date.min, b) - dt.datetime.combine(dt.date.min, a))
                               .total_seconds() / 3600 for a, b in spans))
    return sum(lengths) / len(lengths) if lengths else 0.0


__all__ = ["DepartmentProfile", "HoursException", "PermitFee", "PermitGuide", "ServiceGuide", "expected_time",
           "gettext", "working_hours_per_day"]
