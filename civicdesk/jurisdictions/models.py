"""Who is responsible where: jurisdictions, districts, departments, teams, staff and addresses."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from civicdesk.audit.models import LoggedModel
from civicdesk.lib import geo
from civicdesk.lib.business_time import BusinessCalendar

DEFAULT_BUSINESS_HOURS = {
    "mon": ["08:00", "17:00"],
    "tue": ["08:00", "17:00"],
    "wed": ["08:00", "17:00"],
    "thu": ["08:00", "17:00"],
    "fri": ["08:00", "17:00"],
}


def _default_business_hours() -> dict:
    return dict(DEFAULT_BUSINESS_HOURS)


def _default_languages() -> list[str]:
    """Every language the site offers (settings.LANGUAGES), the default first."""
    return [code for code, _name in settings.LANGUAGES]


def validate_time_zone(value: str) -> None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError(_("%(tz)s is not a known time zone."), params={"tz": value}) from exc


class Jurisdiction(LoggedModel):
    """A city, county, town or utility that answers for the requests inside its boundary.

    The boundary is a GeoJSON Polygon or MultiPolygon in WGS84 (lon, lat).
    Where boundaries overlap (a town inside a county) the smaller area wins,
    so the most local government gets the report.
    """

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("short name"), unique=True)
    open311_id = models.CharField(
        _("Open311 jurisdiction_id"), max_length=120, unique=True,
        help_text=_("Usually the city's web domain, e.g. riverbend.example.gov."),
    )
    boundary = models.JSONField(_("boundary (GeoJSON)"), validators=[geo.validate_geojson_area])
    time_zone = models.CharField(_("time zone"), max_length=64, default="America/Chicago",
                                 validators=[validate_time_zone])
    languages = models.JSONField(_("languages"), default=_default_languages)
    business_hours = models.JSONField(
        _("business hours"), default=_default_business_hours,
        help_text=_('Opening hours per weekday, e.g. {"mon": ["08:00", "17:00"]}. Days left out are closed.'),
    )
    phone = models.CharField(_("311 phone number"), max_length=40, blank=True)
    email = models.EmailField(_("contact email"), blank=True)
    website = models.URLField(_("website"), blank=True)
    address = models.TextField(
        _("office address"), blank=True,
        help_text=_("Where residents can visit or write, shown on the contact page; one line per line of the address."))
    emergency_number = models.CharField(_("emergency number"), max_length=16, default="911")
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("jurisdiction")
        verbose_name_plural = _("jurisdictions")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        try:
            BusinessCalendar.from_hours(self.business_hours, self.time_zone, [])
        except ValueError as exc:
            raise ValidationError({"business_hours": str(exc)}) from exc

    def audit_jurisdiction_id(self) -> int | None:
        return self.pk

    def phone_link(self) -> str:
        """A `tel:` URL for the 311 phone number (E.164 when it parses as a US number), "" when there is none."""
        if not self.phone.strip():
            return ""
        import phonenumbers

        digits = "tel:" + "".join(ch for ch in self.phone if ch.isdigit() or ch == "+")
        try:
            number = phonenumbers.parse(self.phone, "US")
        except phonenumbers.NumberParseException:
            return digits
        # A local-only number ("555-0100", no area code) is dialled as written, not as a bogus +1 number.
        if phonenumbers.is_possible_number_with_reason(number) != phonenumbers.ValidationResult.IS_POSSIBLE:
            return digits
        return "tel:" + phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)

    def opening_hours(self) -> list[tuple[int, str, str]]:
        """Weekly opening hours as (weekday 0=Monday, opens "HH:MM", closes "HH:MM"), Monday first;
        days without hours are closed and left out."""
        keys = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
        rows = []
        for index, key in enumerate(keys):
            span = (self.business_hours or {}).get(key)
            if span and len(span) == 2:
                rows.append((index, str(span[0]), str(span[1])))
        return rows

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    def calendar(self) -> BusinessCalendar:
        """The business calendar (hours and holidays) used for SLA due times."""
        holidays = list(self.holidays.values_list("date", flat=True))
        return BusinessCalendar.from_hours(self.business_hours, self.time_zone, holidays)

    def area(self) -> float:
        """The boundary's area in square degrees; only used to rank overlapping boundaries."""
        return geo.shape(self.boundary).area


class Holiday(models.Model):
    """A day the jurisdiction's offices are closed; SLA clocks do not run on it."""

    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.CASCADE, related_name="holidays")
    date = models.DateField(_("date"))
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["jurisdiction", "date"], name="one_holiday_per_day")]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}"


class District(models.Model):
    """A named area inside a jurisdiction (ward, council district, collection zone)."""

    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.CASCADE, related_name="districts")
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("short name"))
    boundary = models.JSONField(_("boundary (GeoJSON)"), validators=[geo.validate_geojson_area])

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        ordering = ["jurisdiction__name", "name"]
        constraints = [models.UniqueConstraint(fields=["jurisdiction", "slug"], name="unique_district_slug")]

    def __str__(self) -> str:
        return f"{self.name} ({self.jurisdiction.name})"


class Department(LoggedModel):
    """A city department that owns work, e.g. Public Works or Sanitation."""

    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.CASCADE, related_name="departments")
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("short name"))
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["jurisdiction__name", "name"]
        constraints = [models.UniqueConstraint(fields=["jurisdiction", "slug"], name="unique_department_slug")]

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    """A crew or desk inside a department, e.g. "North crew"."""

    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(_("name"), max_length=120)
    lead = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="teams_led", verbose_name=_("team lead"))

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["department__name", "name"]

    def __str__(self) -> str:
        return f"{self.department.name} / {self.name}"


class StaffMembership(models.Model):
    """A person's seat: which jurisdiction and department they work in, and their role."""

    class Role(models.TextChoices):
        AGENT = "agent", _("Call center agent")
        STAFF = "staff", _("Staff")
        SUPERVISOR = "supervisor", _("Supervisor")
        ADMIN = "admin", _("Jurisdiction admin")
        CONTRACTOR = "contractor", _("Contractor")
        #: Writes and reviews the information hub's content (civicdesk/editorial); sees no requests.
        EDITOR = "editor", _("Editor")
        #: Takes counter payments and asks for refunds (civicdesk/payments); sees no requests.
        CASHIER = "cashier", _("Cashier")
        #: Approves refunds, reads the finance dashboard, reconciles payouts and exports the general ledger
        #: (civicdesk/payments); sees no requests.
        FINANCE_SUPERVISOR = "finance", _("Finance supervisor")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.CASCADE, related_name="memberships")
    department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.CASCADE,
                                   related_name="memberships")
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="memberships")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.STAFF)

    class Meta:
        verbose_name = _("staff membership")
        verbose_name_plural = _("staff memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "jurisdiction", "department"], name="one_seat_per_department")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} ({self.department or self.jurisdiction})"

    def clean(self) -> None:
        if self.department_id and self.department.jurisdiction_id != self.jurisdiction_id:
            raise ValidationError({"department": _("The department belongs to another jurisdiction.")})
        if self.team_id and self.team.department_id != self.department_id:
            raise ValidationError({"team": _("The team belongs to another department.")})


def seats_of(user) -> list[StaffMembership]:
    """The user's staff memberships, read once per user object (one query); [] for anonymous visitors. Shared
    by the staff console's and the editorial console's access rules."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_staff_seats", None)
    if cached is None:
        cached = list(StaffMembership.objects.filter(user=user))
        user._staff_seats = cached
    return cached


class AddressPoint(models.Model):
    """One address from the city's address list, with its position.

    Loaded by `manage.py import_addresses`; used to match typed addresses and
    to snap a dropped pin to the nearest address.
    """

    jurisdiction = models.ForeignKey(Jurisdiction, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="addresses")
    address_id = models.CharField(_("address id"), max_length=64, unique=True)
    number = models.CharField(_("house number"), max_length=16, blank=True)
    street = models.CharField(_("street"), max_length=120)
    unit = models.CharField(_("unit"), max_length=32, blank=True)
    city = models.CharField(_("city"), max_length=80, blank=True)
    postcode = models.CharField(_("postcode"), max_length=16, blank=True)
    full_address = models.CharField(_("address"), max_length=255)
    normalized = models.CharField(max_length=255, db_index=True, editable=False)
    lat = models.FloatField(_("latitude"))
    long = models.FloatField(_("longitude"))

    class Meta:
        verbose_name = _("address point")
        verbose_name_plural = _("address points")
        ordering = ["street", "number"]
        indexes = [models.Index(fields=["lat", "long"]), models.Index(fields=["number", "normalized"])]

    def __str__(self) -> str:
        return self.full_address

    def save(self, *args, **kwargs) -> None:
        from civicdesk.lib.text import normalize_address

        self.normalized = normalize_address(self.full_address)
        super().save(*args, **kwargs)


def today_in(jurisdiction: Jurisdiction) -> dt.date:
    """The current date where the jurisdiction is."""
    from django.utils import timezone

    return timezone.now().astimezone(jurisdiction.tz).date()
