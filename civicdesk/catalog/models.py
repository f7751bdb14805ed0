"""What residents can ask for (service types and their questions), how requests move
through statuses, and which department gets which request."""

from __future__ import annotations

import datetime as dt
import decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext, gettext_lazy as _

from civicdesk.audit.models import LoggedModel
from civicdesk.lib import geo

service_code_validator = RegexValidator(
    r"^[A-Za-z0-9_-]+$", _("Use only letters, digits, underscore and hyphen.")
)


class Priority(models.IntegerChoices):
    URGENT = 1, _("Urgent")
    HIGH = 2, _("High")
    NORMAL = 3, _("Normal")
    LOW = 4, _("Low")


class ServiceGroup(models.Model):
    """A heading in the catalogue, e.g. "Streets and sidewalks" (Open311 `group`)."""

    name = models.CharField(_("name"), max_length=120)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("service group")
        verbose_name_plural = _("service groups")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class ServiceTypeQuerySet(models.QuerySet):
    def public(self):
        """Types residents may see and report: active and not private."""
        return self.filter(is_active=True, is_private=False)

    def for_jurisdiction(self, jurisdiction):
        """Types offered in `jurisdiction` (no jurisdictions listed means everywhere)."""
        return self.filter(
            models.Q(jurisdictions__isnull=True) | models.Q(jurisdictions=jurisdiction)
        ).distinct()


class ServiceType(LoggedModel):
    """One thing a resident can report or ask for: an Open311 service."""

    code = models.CharField(_("service code"), max_length=64, unique=True, validators=[service_code_validator])
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    keywords = models.TextField(
        _("keywords and synonyms"), blank=True,
        help_text=_("Words and phrases residents might search for, separated by commas: other names, "
                    "synonyms, common misspellings (“rubbish, garbage, not picked up”)."))
    group = models.ForeignKey(ServiceGroup, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="service_types", verbose_name=_("group"))
    jurisdictions = models.ManyToManyField(
        "jurisdictions.Jurisdiction", blank=True, related_name="service_types",
        verbose_name=_("jurisdictions"), help_text=_("Leave empty to offer it everywhere."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_private = models.BooleanField(
        _("private"), default=False,
        help_text=_("Private types are not listed publicly and their requests never appear in public."),
    )
    is_sensitive = models.BooleanField(
        _("sensitive location"), default=False,
        help_text=_("For problems where an exact public location could expose someone (an encampment, rodents "
                    "inside a home): the location of its requests is shown publicly only snapped to a coarse "
                    "grid (on the map, lists, Open311, feeds and open data). Staff still see the exact place."),
    )
    allow_anonymous = models.BooleanField(_("anonymous reports allowed"), default=True)
    allows_public_comments = models.BooleanField(
        _("public comments"), default=False,
        help_text=_("Signed-in residents may comment publicly on this type's public requests (moderated like the "
                    "forums; staff replies are marked official)."),
    )
    requires_name = models.BooleanField(_("name required"), default=False)
    requires_email = models.BooleanField(_("email required"), default=False)
    requires_phone = models.BooleanField(_("phone required"), default=False)
    sla_hours = models.PositiveIntegerField(
        _("SLA target (business hours)"), null=True, blank=True,
        help_text=_("Leave empty when there is no target."),
    )
    default_priority = models.IntegerField(_("default priority"), choices=Priority.choices,
                                           default=Priority.NORMAL)
    duplicate_radius_m = models.PositiveIntegerField(_("duplicate search radius (metres)"), default=50)
    order = models.PositiveIntegerField(_("order"), default=0)

    objects = ServiceTypeQuerySet.as_manager()

    class Meta:
        verbose_name = _("service type")
        verbose_name_plural = _("service types")
        ordering = ["group__order", "order", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def metadata(self) -> bool:
        """True when the type has questions (Open311 `metadata`)."""
        return self.attributes.exists()

    def contact_required(self) -> bool:
        """True when residents must give some contact details to report this."""
        return not self.allow_anonymous or self.requires_name or self.requires_email or self.requires_phone


class ServiceAttribute(models.Model):
    """A question asked when reporting a service type (an Open311 attribute)."""

    class Datatype(models.TextChoices):
        STRING = "string", _("Short text")
        NUMBER = "number", _("Number")
        DATETIME = "datetime", _("Date and time")
        TEXT = "text", _("Long text")
        SINGLE = "singlevaluelist", _("Choose one")
        MULTI = "multivaluelist", _("Choose any")

    service_type = models.ForeignKey(ServiceType, on_delete=models.CASCADE, related_name="attributes")
    code = models.CharField(_("code"), max_length=64, validators=[service_code_validator])
    description = models.CharField(_("question"), max_length=255)
    datatype = models.CharField(_("type of answer"), max_length=20, choices=Datatype.choices,
                                default=Datatype.STRING)
    datatype_description = models.CharField(_("answer hint"), max_length=255, blank=True)
    required = models.BooleanField(_("required"), default=False)
    variable = models.BooleanField(_("asked of the resident"), default=True,
                                   help_text=_("Untick for information shown to residents without an answer."))
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["service_type", "code"], name="unique_attribute_code")]

    def __str__(self) -> str:
        return self.description

    @property
    def has_values(self) -> bool:
        return self.datatype in (self.Datatype.SINGLE, self.Datatype.MULTI)

    def choice_keys(self) -> set[str]:
        """The keys of this question's choices: from the prefetched values when they were prefetched (as
        catalog.services.questions() does, cached per process), so validating an answer sends no query."""
        return {value.key for value in self.values.all()}

    def clean_answer(self, raw: Any) -> Any:
        """Validate and convert one answer; returns None for no answer.

        `raw` is a string, or a list of strings for a multivaluelist. Raises
        ValidationError with a resident-readable message naming the question.
        """
        values = raw if isinstance(raw, (list, tuple)) else ([] if raw in (None, "") else [raw])
        values = [str(v).strip() for v in values if str(v).strip() != ""]
        if not values:
            if self.required and self.variable:
                raise ValidationError(gettext("Please answer “%(q)s”.") % {"q": self.description})
            return None
        if self.datatype == self.Datatype.MULTI:
            keys = self.choice_keys()
            bad = [v for v in values if v not in keys]
            if bad:
                raise ValidationError(gettext("“%(v)s” is not one of the choices for “%(q)s”.")
                                      % {"v": bad[0], "q": self.description})
            return values
        if len(values) > 1:
            raise ValidationError(gettext("Give only one answer to “%(q)s”.") % {"q": self.description})
        value = values[0]
        if self.datatype == self.Datatype.SINGLE:
            if value not in self.choice_keys():
                raise ValidationError(gettext("“%(v)s” is not one of the choices for “%(q)s”.")
                                      % {"v": value, "q": self.description})
            return value
        if self.datatype == self.Datatype.NUMBER:
            try:
                number = decimal.Decimal(value)
            except decimal.InvalidOperation as exc:
                raise ValidationError(gettext("The answer to “%(q)s” must be a number.")
                                      % {"q": self.description}) from exc
            if not number.is_finite():
                raise ValidationError(gettext("The answer to “%(q)s” must be a number.") % {"q": self.description})
            return float(number) if number != number.to_integral_value() else int(number)
        if self.datatype == self.Datatype.DATETIME:
            parsed = parse_datetime(value) if "T" in value or " " in value else None
            if parsed is None:
                try:
                    parsed = dt.datetime.fromisoformat(value)
                except ValueError as exc:
                    raise ValidationError(gettext("The answer to “%(q)s” must be a date and time.")
                                          % {"q": self.description}) from exc
            return parsed.isoformat()
        limit = 255 if self.datatype == self.Datatype.STRING else 5000
        if len(value) > limit:
            raise ValidationError(gettext("The answer to “%(q)s” is too long (at most %(n)d characters).")
                                  % {"q": self.description, "n": limit})
        return value


class AttributeValue(models.Model):
    """One choice of a single- or multi-value question."""

    attribute = models.ForeignKey(ServiceAttribute, on_delete=models.CASCADE, related_name="values")
    key = models.CharField(_("key"), max_length=64)
    name = models.CharField(_("label"), max_length=120)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("choice")
        verbose_name_plural = _("choices")
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["attribute", "key"], name="unique_choice_key")]

    def __str__(self) -> str:
        return self.name


class Status(models.Model):
    """A step in a request's life. Each is open or closed, which is what Open311 shows."""

    class Kind(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=80)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    is_initial = models.BooleanField(_("initial status"), default=False,
                                     help_text=_("New requests start here. Exactly one status should be initial."))
    order = models.PositiveIntegerField(_("order"), default=0)
    allowed_next = models.ManyToManyField("self", symmetrical=False, blank=True, related_name="allowed_previous",
                                          verbose_name=_("may move on to"))

    class Meta:
        verbose_name = _("status")
        verbose_name_plural = _("statuses")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        return self.kind == self.Kind.OPEN

    @classmethod
    def initial(cls) -> Status:
        """The status new requests start in; raises Status.DoesNotExist when none is configured."""
        return cls.objects.filter(is_initial=True).order_by("order").first() or cls.objects.get(is_initial=True)

    def can_move_to(self, other: Status) -> bool:
        """True when the configured transitions allow moving from this status to `other`."""
        return self.allowed_next.filter(pk=other.pk).exists()


class RoutingRule(LoggedModel):
    """Sends requests of some service types in some area to a department and team.

    Rules are tried in `order` (lowest first); among rules with the same order
    the more specific wins (an area beats none; a list of types beats any type).
    """

    jurisdiction = models.ForeignKey("jurisdictions.Jurisdiction", on_delete=models.CASCADE,
                                     related_name="routing_rules", verbose_name=_("jurisdiction"))
    name = models.CharField(_("name"), max_length=120, blank=True)
    service_types = models.ManyToManyField(ServiceType, blank=True, related_name="routing_rules",
                                           verbose_name=_("service types"),
                                           help_text=_("Leave empty to match every service type."))
    district = models.ForeignKey("jurisdictions.District", null=True, blank=True, on_delete=models.CASCADE,
                                 verbose_name=_("district"))
    area = models.JSONField(_("area (GeoJSON)"), null=True, blank=True, validators=[geo.validate_geojson_area])
    department = models.ForeignKey("jurisdictions.Department", on_delete=models.CASCADE,
                                   related_name="routing_rules", verbose_name=_("department"))
    team = models.ForeignKey("jurisdictions.Team", null=True, blank=True, on_delete=models.SET_NULL,
                             verbose_name=_("team"))
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+", verbose_name=_("default assignee"))
    order = models.IntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        ordering = ["jurisdiction", "order", "id"]

    def __str__(self) -> str:
        return self.name or f"Rule #{self.pk}"

    def clean(self) -> None:
        errors = {}
        if self.department_id and self.jurisdiction_id and self.department.jurisdiction_id != self.jurisdiction_id:
            errors["department"] = _("The department belongs to another jurisdiction.")
        if self.district_id and self.jurisdiction_id and self.district.jurisdiction_id != self.jurisdiction_id:
            errors["district"] = _("The district belongs to another jurisdiction.")
        if self.team_id and self.team.department_id != self.department_id:
            errors["team"] = _("The team belongs to another department.")
        if errors:
            raise ValidationError(errors)

    def specificity(self, type_ids: set[int] | None = None) -> int:
        """Higher is more specific: an area or district counts 2, a list of types 1."""
        has_types = bool(type_ids) if type_ids is not None else self.service_types.exists()
        return (2 if (self.area or self.district_id) else 0) + (1 if has_types else 0)

    def matches(self, *, lat: float, long: float, service_type: ServiceType, district_id: int | None,
                type_ids: set[int] | None = None) -> bool:
        """True when the rule applies to a request of `service_type` at (lat, long).

        `type_ids` may be passed (prefetched) to avoid a query; `district_id` is the
        district already found for the point, or None.
        """
        if type_ids is None:
            type_ids = set(self.service_types.values_list("id", flat=True))
        if type_ids and service_type.pk not in type_ids:
            return False
        if self.district_id and self.district_id != district_id:
            return False
        if self.area and not geo.contains(self.area, lat, long):
            return False
        return True

    def describe(self) -> str:
        """Plain words for the routing explanation: "Sanitation / North crew by rule #12"."""
        target = self.department.name + (f" / {self.team.name}" if self.team_id else "")
        return gettext("%(target)s by rule #%(id)s%(name)s") % {
            "target": target, "id": self.pk, "name": f" ({self.name})" if self.name else "",
        }

    def audit_jurisdiction_id(self) -> int | None:
        return self.jurisdiction_id
