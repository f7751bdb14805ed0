"""The directory's own content: a profile per department (what it does, address, hours), a guide per service type
(what it covers and what it does not), and permit and licence guides with their fees. All three are editorial
content (civicdesk/editorial): per-language JSON text, draft → review by another editor → published, scheduling,
revisions and audit. Text residents read is a JSON map language → text, so a new site language needs no schema
change."""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from civicdesk.editorial.models import EditorialContent

from . import hours as hours_lib
from .text import pick


def _empty() -> dict:
    return {}


def validate_text_map(value) -> None:
    """language → text, every value a string."""
    if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise ValidationError(_("Give the text as a map of language code to text."))


def _text(verbose_name, help_text=""):
    return models.JSONField(verbose_name, default=dict, blank=True, validators=[validate_text_map],
                            help_text=help_text)


def _lines(text: str) -> list[str]:
    """The non-empty lines of a text, without list markers an editor may have typed ("- ", "* ", "1. ")."""
    return [re.sub(r"^(?:[-*•]|\d+[.)])\s+", "", line.strip()) for line in text.splitlines() if line.strip()]


def validate_special_days(value) -> None:
    """[{"date": "2026-12-24", "hours": [["08:00", "12:00"]], "note": {"en": "Christmas Eve"}}, ...]; "hours"
    empty or left out for a closed day."""
    if not isinstance(value, list):
        raise ValidationError(_("Give the days with other hours as a list."))
    seen = set()
    for item in value:
        try:
            date = dt.date.fromisoformat(str(item["date"]))
            hours_lib.validate_week({"mon": item.get("hours") or []})
            validate_text_map(item.get("note") or {})
        except (KeyError, TypeError, ValueError) as exc:
            raise ValidationError(_("Each day with other hours needs a date like 2026-12-24, its hours (or none "
                                    "when closed) and a note per language.")) from exc
        if date in seen:
            raise ValidationError(_("%(date)s is listed twice.") % {"date": date.isoformat()})
        seen.add(date)


#: What a fee is charged per: the key stored in a fee line's "unit" ("" or left out = once), and its words.
FEE_UNITS = [("", _("once")), ("each", _("each")), ("hour", _("per hour")), ("day", _("per day")),
             ("week", _("per week")), ("month", _("per month")), ("year", _("per year"))]


def validate_fees(value) -> None:
    """[{"amount_cents": 5000, "currency": "USD", "covers": {"en": "Permit", "es": "Permiso"}, "unit": "year"},
    ...]; "unit" (a FEE_UNITS key) may be left out for a one-time fee."""
    if not isinstance(value, list):
        raise ValidationError(_("Give the fees as a list."))
    for item in value:
        amount = item.get("amount_cents") if isinstance(item, dict) else None
        if not isinstance(amount, int) or isinstance(amount, bool) or amount < 0:
            raise ValidationError(_("Each fee needs an amount in whole cents (5000 for $50.00)."))
        if not re.fullmatch(r"[A-Z]{3}", str(item.get("currency", "USD"))):
            raise ValidationError(_("Use a three-letter code like USD."))
        validate_text_map(item.get("covers") or {})
        if item.get("unit", "") not in dict(FEE_UNITS):
            raise ValidationError(_("Choose what the fee is charged per from the list."))
        if not pick(item.get("covers")):
            raise ValidationError(_("Say what each fee covers."))



class DepartmentProfile(EditorialContent):
    """What residents read about a department: what it does, where it is, when it is open.

    Extends civicdesk.jurisdictions.Department one-to-one (its name, email and phone stay there). Hours are
    the profile's own when set, else the jurisdiction's business hours; the jurisdiction's holidays close the
    office unless `open_on_holidays`; `special_days` change single dates (and win over holidays).
    """

    department = models.OneToOneField("jurisdictions.Department", on_delete=models.CASCADE,
                                      related_name="directory_profile", verbose_name=_("department"))
    summary = _text(_("what it does"), _("Markdown, per language."))
    address = _text(_("address"), _("One line per line of the address, per language."))
    lat = models.FloatField(_("latitude"), null=True, blank=True,
                            validators=[MinValueValidator(-90), MaxValueValidator(90)])
    long = models.FloatField(_("longitude"), null=True, blank=True,
                             validators=[MinValueValidator(-180), MaxValueValidator(180)])
    hours = models.JSONField(
        _("opening hours"), default=_empty, blank=True, validators=[hours_lib.validate_week],
        help_text=_('Per weekday, e.g. {"mon": [["08:00", "12:00"], ["13:00", "17:00"]]}. Days left out are '
                    'closed. Leave empty to use the jurisdiction\'s business hours.'))
    special_days = models.JSONField(
        _("days with other hours"), default=list, blank=True, validators=[validate_special_days],
        help_text=_('e.g. [{"date": "2026-12-24", "hours": [["08:00", "12:00"]], "note": {"en": "Christmas Eve", '
                    '"es": "Nochebuena"}}]; no hours for a closed day.'))
    open_on_holidays = models.BooleanField(_("open on holidays"), default=False)

    translated_fields = ("summary", "address")
    markdown_fields = ("summary",)
    multiline_fields = ("address",)
    required_translated = ("summary",)
    snapshot_fields = ("department", "lat", "long", "hours", "special_days", "open_on_holidays")

    class Meta:
        verbose_name = _("department profile")
        verbose_name_plural = _("department profiles")

    def __str__(self) -> str:
        return str(self.department)

    def display_title(self) -> str:
        """What the editors' list shows: the department's name (its first translated field is a long text)."""
        return self.department.name

    def clean(self) -> None:
        if (self.lat is None) != (self.long is None):
            raise ValidationError(_("Give both the latitude and the longitude, or neither."))
        if self.department_id and self.jurisdiction_id and self.department.jurisdiction_id != self.jurisdiction_id:
            raise ValidationError({"department": _("The department belongs to another jurisdiction.")})

    def get_absolute_url(self) -> str:
        return reverse("directory:department", args=[self.department.jurisdiction.slug, self.department.slug])

    def address_lines(self, language: str | None = None) -> list[str]:
        """The address in the reader's language (else the default one), one item per line; [] when none."""
        return _lines(pick(self.address, language))

    def has_place(self) -> bool:
        return self.lat is not None and self.long is not None

    def directions_url(self) -> str:
        """A link that opens directions to the office (OpenStreetMap), "" without a place."""
        if not self.has_place():
            return ""
        return f"https://www.openstreetmap.org/directions?to={self.lat:.6f}%2C{self.long:.6f}"

    def schedule(self, holidays=None) -> hours_lib.Schedule:
        """The opening schedule in the jurisdiction's time zone. `holidays` (date, name) pairs may be passed
        when already loaded (else one query)."""
        jurisdiction = self.department.jurisdiction
        week = self.hours or jurisdiction.business_hours or {}
        days: dict[dt.date, hours_lib.DayHours] = {}
        if not self.open_on_holidays:
            if holidays is None:
                holidays = jurisdiction.holidays.values_list("date", "name")
            for date, name in holidays:
                days[date] = hours_lib.DayHours(date, [], name, True)
        for item in self.special_days or []:
            date = dt.date.fromisoformat(str(item["date"]))
            days[date] = hours_lib.DayHours(date, hours_lib.normalise_spans(item.get("hours")),
                                            pick(item.get("note")), True)
        return hours_lib.Schedule(week, days, jurisdiction.tz)


class ServiceGuide(EditorialContent):
    """The editorial text of a service type's A–Z page: what it covers and what it does not."""

    service_type = models.OneToOneField("catalog.ServiceType", on_delete=models.CASCADE,
                                        related_name="directory_guide", verbose_name=_("service type"))
    covers = _text(_("what it covers"), _("Markdown, per language."))
    not_covers = _text(_("what it does not cover"), _("Markdown, per language."))

    translated_fields = ("covers", "not_covers")
    markdown_fields = ("covers", "not_covers")
    required_translated = ("covers",)
    snapshot_fields = ("service_type",)

    class Meta:
        verbose_name = _("service guide")
        verbose_name_plural = _("service guides")

    def __str__(self) -> str:
        return str(self.service_type)

    def display_title(self) -> str:
        """What the editors' list shows: the service type's name."""
        return self.service_type.name

    def get_absolute_url(self) -> str:
        return reverse("directory:service", args=[self.service_type.code])


slug_validator = RegexValidator(r"^[a-z0-9]+(?:-[a-z0-9]+)*$", _("Use lower-case letters, digits and hyphens."))


@dataclass(frozen=True)
class Fee:
    """One fee line: an amount in integer cents of a currency, what it pays for (language → text) and what it is
    charged per (a FEE_UNITS key, "" = once)."""

    amount_cents: int
    currency: str
    covers: dict
    unit: str = ""

    def display_amount(self) -> str:
        """"$25.00" for US dollars, else "12.50 EUR"; never a float on the way."""
        whole, cents = divmod(self.amount_cents, 100)
        number = f"{whole:,}.{cents:02d}"
        return f"${number}" if self.currency == "USD" else f"{number} {self.currency}"

    def covers_text(self) -> str:
        return pick(self.covers)

    def unit_text(self) -> str:
        """"per year", "each"...; "" for a one-time fee."""
        return "" if not self.unit else str(dict(FEE_UNITS).get(self.unit, ""))


class PermitGuide(EditorialContent):
    """A permit or licence: what needs one, what to bring, what it costs, how long it takes, how to apply."""

    class Kind(models.TextChoices):
        PERMIT = "permit", _("Permit")
        LICENCE = "licence", _("License")

    slug = models.SlugField(_("short name"), max_length=80, unique=True, validators=[slug_validator])
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.PERMIT)
    title = _text(_("title"))
    summary = _text(_("what needs one"), _("Markdown, per language."))
    requirements = _text(_("requirements"), _("What to bring or have ready: one per line."))
    processing_days = models.PositiveIntegerField(_("processing time (business days)"), null=True, blank=True)
    processing_note = _text(_("about the processing time"))
    apply_url = models.URLField(_("apply online at"), blank=True)
    apply_steps = _text(_("how to apply"), _("The steps, in order: one per line."))
    department = models.ForeignKey("jurisdictions.Department", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="permit_guides", verbose_name=_("department"))
    keywords = _text(_("keywords"), _("Other words residents use, separated by commas (for search)."))
    fees = models.JSONField(
        _("fees"), default=list, blank=True, validators=[validate_fees],
        help_text=_('One line per fee, e.g. [{"amount_cents": 5000, "currency": "USD", "covers": {"en": "Permit", '
                    '"es": "Permiso"}}]. Leave empty when there is no fee.'))

    translated_fields = ("title", "summary", "requirements", "apply_steps", "processing_note", "keywords")
    markdown_fields = ("summary",)
    multiline_fields = ("requirements", "apply_steps")
    required_translated = ("title",)
    snapshot_fields = ("slug", "kind", "processing_days", "apply_url", "department", "fees")

    class Meta:
        verbose_name = _("permit or license guide")
        verbose_name_plural = _("permit and license guides")
        ordering = ["slug"]

    def __str__(self) -> str:
        return pick(self.title) or self.slug

    def clean(self) -> None:
        if self.department_id and self.jurisdiction_id and self.department.jurisdiction_id != self.jurisdiction_id:
            raise ValidationError({"department": _("The department belongs to another jurisdiction.")})

    def get_absolute_url(self) -> str:
        return reverse("directory:permit", args=[self.slug])

    def requirement_lines(self, language: str | None = None) -> list[str]:
        return _lines(pick(self.requirements, language))

    def step_lines(self, language: str | None = None) -> list[str]:
        return _lines(pick(self.apply_steps, language))

    def fee_lines(self) -> list[Fee]:
        return [Fee(int(item["amount_cents"]), str(item.get("currency") or "USD"), dict(item.get("covers") or {}),
                    str(item.get("unit") or "")) for item in self.fees or []]


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


