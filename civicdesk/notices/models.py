"""ServiceNotice: a disruption or a piece of news a jurisdiction publishes for residents."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import shapely
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from shapely.geometry import Point, mapping
from shapely.geometry import shape as geojson_shape
from shapely.geometry.base import BaseGeometry

from civicdesk.audit.models import LoggedModel
from civicdesk.lib import geo

#: A drawn area may not be bigger than this as GeoJSON text, nor have more corners than this: a city's
#: disruption is a few streets or a neighbourhood, and every page that shows it carries the shape.
MAX_AREA_BYTES = 100_000
MAX_AREA_VERTICES = 2_000
AREA_TYPES = {"Polygon", "MultiPolygon"}


def _parts(value: dict) -> list[dict]:
    """The geometries inside a GeoJSON geometry, Feature or FeatureCollection."""
    kind = value.get("type")
    if kind == "FeatureCollection":
        features = value.get("features")
        if not isinstance(features, list):
            raise ValidationError(_("The affected area is a FeatureCollection without a list of features."))
        return [part for feature in features if isinstance(feature, dict) for part in _parts(feature)]
    if kind == "Feature":
        geometry = value.get("geometry")
        return _parts(geometry) if isinstance(geometry, dict) else []
    return [value]


def area_shape(value: Any) -> BaseGeometry:
    """The shapely shape (lon/lat) of a drawn affected area, or ValidationError in a resident's words.

    Accepts a GeoJSON Polygon or MultiPolygon, or a Feature / FeatureCollection of them. Refuses
    anything else, outlines that cross themselves, coordinates outside longitude -180..180 and latitude
    -90..90, and areas larger than MAX_AREA_BYTES of GeoJSON or MAX_AREA_VERTICES corners.
    """
    if not isinstance(value, dict):
        raise ValidationError(_('The affected area must be GeoJSON: an object with a "type" such as "Polygon".'))
    if len(json.dumps(value)) > MAX_AREA_BYTES:
        raise ValidationError(_("The affected area is too detailed (over %(kb)s KB). Draw it with fewer points.")
                              % {"kb": MAX_AREA_BYTES // 1000})
    parts = _parts(value)
    if not parts:
        raise ValidationError(_("The affected area holds no shape. Draw at least three points."))
    shapes = []
    for part in parts:
        if part.get("type") not in AREA_TYPES:
            raise ValidationError(_("The affected area must be a polygon (a closed shape), not %(kind)s.")
                                  % {"kind": part.get("type") or _("something without a type")})
        try:
            geom = geojson_shape(part)
        except (KeyError, TypeError, ValueError, IndexError, AttributeError) as exc:
            raise ValidationError(_("The affected area's coordinates are not valid: each corner must be "
                                    "[longitude, latitude] and a shape needs at least three corners.")) from exc
        if geom.is_empty or geom.convex_hull.area == 0:
            raise ValidationError(_("The affected area has no size. Draw at least three points that are not "
                                    "on one line."))
        if not geom.is_valid:
            raise ValidationError(_("The affected area's outline crosses itself. Move or remove points so that "
                                    "its edges do not cross."))
        shapes.append(geom)
    result = shapely.union_all(shapes)
    minx, miny, maxx, maxy = result.bounds
    if minx < -180 or maxx > 180 or miny < -90 or maxy > 90:
        raise ValidationError(_("The affected area's coordinates are off the map: give longitude first "
                                "(-180 to 180), then latitude (-90 to 90)."))
    if shapely.get_num_coordinates(result) > MAX_AREA_VERTICES:
        raise ValidationError(_("The affected area has more than %(count)s points. Draw it with fewer points.")
                              % {"count": MAX_AREA_VERTICES})
    return result


def validate_area(value: Any) -> None:
    """Field validator for ServiceNotice.area (see area_shape)."""
    area_shape(value)


class ServiceNoticeQuerySet(models.QuerySet):
    def published(self):
        """Notices residents may see: published ones (drafts never show in public)."""
        return self.filter(published_at__isnull=False)

    def summary(self):
        """One row, `latest` (the newest edit) and `count`, over all these notices: what public pages listing
        notices are drawn from, besides the minute (a notice starts or ends at its set time without anyone
        saving it; docs/caching.md). A QuerySet over one constant group, which `aggregate()` is not, so it can be
        a validator's statement or a subquery of one."""
        return (self.annotate(every=models.Value(1)).order_by().values("every")
                .annotate(latest=models.Max("updated_at"), count=models.Count("id")))

    def active(self, now: dt.datetime | None = None):
        """Published notices whose window holds `now`: started, and not ended (no end means open-ended)."""
        now = now or timezone.now()
        return self.published().filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now), starts_at__lte=now)

    def upcoming(self, now: dt.datetime | None = None):
        """Published notices that start after `now`."""
        return self.published().filter(starts_at__gt=now or timezone.now())

    def ended_since(self, since: dt.datetime, now: dt.datetime | None = None):
        """Published notices that ended between `since` and `now`."""
        return self.published().filter(ends_at__gt=since, ends_at__lte=now or timezone.now())

    def around(self, lat: float, long: float):
        """Notices whose bounding box holds the point: the SQL half of "notices here"; refine with covers()."""
        return self.filter(min_lat__lte=lat, max_lat__gte=lat, min_long__lte=long, max_long__gte=long)

    def for_service_type(self, service_type):
        """Notices about that kind of problem, or about none in particular."""
        if service_type is None:
            return self
        return self.filter(Q(service_types__isnull=True) | Q(service_types=service_type)).distinct()


class ServiceNotice(LoggedModel):
    """A service disruption ("Water off on Elm Street until Friday") or a news item, per jurisdiction.

    Title and body are stored per language (django-modeltranslation: `title_en`, `title_es`, ...), with
    English as the fallback. The affected area is the drawn `area` (GeoJSON polygons) together with the
    chosen `districts`; with neither, the notice covers its whole jurisdiction. `coverage` and the bbox
    columns are derived from those by `update_coverage()` when staff save the notice, so "which notices
    cover this point" is one indexed query plus a point-in-polygon test, with no joins. A notice keeps
    the outline it was saved with even if a district's boundary is edited later.

    Residents only ever see a notice once `published_at` is set, and only between `starts_at` and
    `ends_at` (no end: until staff end it). `service_types` narrows which reports it answers ("we
    already know about this"); empty means every kind.
    """

    class Kind(models.TextChoices):
        DISRUPTION = "disruption", _("Service disruption")
        NEWS = "news", _("News")

    class Severity(models.TextChoices):
        INFO = "info", _("Information")
        MINOR = "minor", _("Minor disruption")
        MAJOR = "major", _("Major disruption")

    jurisdiction = models.ForeignKey("jurisdictions.Jurisdiction", on_delete=models.CASCADE, related_name="notices",
                                     verbose_name=_("jurisdiction"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.DISRUPTION)
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices, default=Severity.MINOR)
    title = models.CharField(_("title"), max_length=160)
    body = models.TextField(_("message"), validators=[MaxLengthValidator(5000)])
    area = models.JSONField(_("affected area (GeoJSON)"), null=True, blank=True, validators=[validate_area],
                            help_text=_("Polygons in longitude, latitude (WGS84)."))
    districts = models.ManyToManyField("jurisdictions.District", blank=True, related_name="notices",
                                       verbose_name=_("districts affected"))
    service_types = models.ManyToManyField("catalog.ServiceType", blank=True, related_name="notices",
                                           verbose_name=_("related kinds of problem"))
    starts_at = models.DateTimeField(_("starts"), default=timezone.now)
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+", verbose_name=_("author"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Derived by update_coverage(): the union of area and districts (or the jurisdiction), and its box.
    coverage = models.JSONField(null=True, blank=True, editable=False)
    min_lat = models.FloatField(null=True, blank=True, editable=False)
    max_lat = models.FloatField(null=True, blank=True, editable=False)
    min_long = models.FloatField(null=True, blank=True, editable=False)
    max_long = models.FloatField(null=True, blank=True, editable=False)

    objects = ServiceNoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("service notice")
        verbose_name_plural = _("service notices")
        ordering = ["-starts_at", "-id"]
        indexes = [
            models.Index(fields=["published_at", "starts_at"], name="notices_published_starts"),
            models.Index(fields=["min_lat", "max_lat", "min_long", "max_long"], name="notices_bbox"),
        ]
        constraints = [
            # Equal start and end is an empty window: how a scheduled notice ended before it began reads.
            models.CheckConstraint(condition=Q(ends_at__isnull=True) | Q(ends_at__gte=models.F("starts_at")),
                                   name="notices_ends_after_start"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("notices:detail", args=[self.pk])

    def area_in_words(self) -> str:
        """The drawn area described without the map: "within about 600 feet of 120 S Main St, Riverbend, IL
        61899 (North Ward)", measured from the area's centre to its farthest corner. "" without a drawn area."""
        from django.utils.translation import gettext

        from civicdesk.jurisdictions.models import District
        from civicdesk.jurisdictions.services import nearest_address

        if not self.area:
            return ""
        try:
            drawn = area_shape(self.area)
        except ValidationError:
            return ""
        centre = drawn.centroid
        corners = shapely.get_coordinates(drawn)
        reach_m = max(geo.distance_m(centre.y, centre.x, lat, long) for long, lat in corners)
        feet = reach_m * 3.28084
        if feet < 1000:
            size = gettext("about %(n)s feet") % {"n": max(50, int(round(feet / 50.0)) * 50)}
        elif feet < 5280 * 0.75:
            size = gettext("about %(n)s feet") % {"n": int(round(feet / 100.0)) * 100}
        else:
            size = gettext("about %(n)s miles") % {"n": f"{feet / 5280:.1f}".rstrip("0").rstrip(".")}
        point = nearest_address(centre.y, centre.x, within_m=max(reach_m, 150))
        place = point.full_address if point else gettext("the point %(lat).5f, %(long).5f") % {
            "lat": centre.y, "long": centre.x}
        districts = [d.name for d in District.objects.filter(jurisdiction_id=self.jurisdiction_id).order_by("name")
                     if geojson_shape(d.boundary).intersects(drawn)]
        words = gettext("within %(size)s of %(place)s") % {"size": size, "place": place}
        if districts:
            words += " (" + ", ".join(districts) + ")"
        return words

    @property
    def notification_key(self) -> str:
        """The notify() key for telling subscribers about this notice: one message per address, ever."""
        return f"notice:{self.pk}"

    def clean(self) -> None:
        """The end comes after the start, and a drawn area overlaps the jurisdiction it is published for."""
        errors = {}
        if self.ends_at and self.starts_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("The end must be after the start.")
        if self.area and self.jurisdiction_id:
            try:
                drawn = area_shape(self.area)
            except ValidationError:
                drawn = None  # the field validator reports it
            if drawn is not None and not drawn.intersects(geo.shape(self.jurisdiction.boundary)):
                errors["area"] = _("The affected area is outside %(name)s. Draw it where the disruption is.") % {
                    "name": self.jurisdiction.name}
        if errors:
            raise ValidationError(errors)

    # --- time -------------------------------------------------------------------------------------------

    def is_active(self, now: dt.datetime | None = None) -> bool:
        """True when residents see it as current at `now`: published, started, and not ended.

        `ends_at` is exclusive (a notice ending at 17:00 is gone at 17:00); no `ends_at` means it stays
        until staff end it.
        """
        now = now or timezone.now()
        return (self.published_at is not None and self.starts_at <= now
                and (self.ends_at is None or now < self.ends_at))

    def has_ended(self, now: dt.datetime | None = None) -> bool:
        """True once `ends_at` has passed (whether or not it was ever published)."""
        return self.ends_at is not None and self.ends_at <= (now or timezone.now())

    def state(self, now: dt.datetime | None = None) -> str:
        """One of "draft", "scheduled" (published, not started), "active" or "ended", at `now`."""
        now = now or timezone.now()
        if self.published_at is None:
            return "draft"
        if self.has_ended(now):
            return "ended"
        return "active" if self.starts_at <= now else "scheduled"

    def state_label(self, now: dt.datetime | None = None) -> str:
        """The state in words for staff pages."""
        return str({"draft": _("Draft"), "scheduled": _("Scheduled"), "active": _("Active"),
                    "ended": _("Ended")}[self.state(now)])

    # --- place ------------------------------------------------------------------------------------------

    def update_coverage(self, district_boundaries: list[dict] | None = None) -> BaseGeometry:
        """Recompute `coverage` and the bbox columns (not saved) and return the covered shape.

        `district_boundaries` are the GeoJSON boundaries of the chosen districts (read from
        `self.districts` when not given, which needs a saved notice). With no drawn area and no
        districts the notice covers its whole jurisdiction.
        """
        if district_boundaries is None:
            district_boundaries = list(self.districts.values_list("boundary", flat=True)) if self.pk else []
        shapes = [area_shape(self.area)] if self.area else []
        shapes += [geo.shape(boundary) for boundary in district_boundaries]
        if not shapes:
            shapes = [geo.shape(self.jurisdiction.boundary)]
        covered = shapely.union_all(shapes)
        self.coverage = mapping(covered)
        self.min_long, self.min_lat, self.max_long, self.max_lat = covered.bounds
        self._covered = covered
        return covered

    def covered_shape(self) -> BaseGeometry:
        """The shapely shape (lon/lat) of everywhere the notice applies; computed if never saved."""
        cached = getattr(self, "_covered", None)
        if cached is None:
            cached = geojson_shape(self.coverage) if self.coverage else self.update_coverage()
            self._covered = cached
        return cached

    def covers(self, lat: float, long: float) -> bool:
        """True when the point (WGS84) is inside the affected area; the edge counts as inside.

        False for points that are not valid coordinates.
        """
        if not geo.valid_point(lat, long):
            return False
        return self.covered_shape().covers(Point(long, lat))

    def applies_to(self, service_type) -> bool:
        """True when the notice is about that kind of problem, or about none in particular (no types listed)."""
        type_ids = [t.pk for t in self.service_types.all()]
        return not type_ids or service_type is None or service_type.pk in type_ids

    def is_jurisdiction_wide(self) -> bool:
        """True when staff drew no area and chose no district."""
        return not self.area and not self.districts.exists()

    @classmethod
    def covering(cls, lat: float, long: float, *, service_type=None, now: dt.datetime | None = None,
                 kinds: tuple[str, ...] = ("disruption",)) -> list[ServiceNotice]:
        """Active notices of `kinds` whose area holds the point and that apply to `service_type` (None: any).

        Most severe first, then newest. An empty list for invalid coordinates.
        """
        if not geo.valid_point(lat, long):
            return []
        candidates = (cls.objects.active(now).around(lat, long).for_service_type(service_type)
                      .filter(kind__in=kinds).select_related("jurisdiction"))
        found = [notice for notice in candidates if notice.covers(lat, long)]
        rank = {cls.Severity.MAJOR: 0, cls.Severity.MINOR: 1, cls.Severity.INFO: 2}
        found.sort(key=lambda n: (rank.get(n.severity, 3), -n.starts_at.timestamp(), -n.pk))
        return found


class NoticeTemplate(LoggedModel):
    """Wording a jurisdiction reuses for its notices ("Road closure", "Boil-water advisory"): a kind, a severity,
    and a title and message per language (django-modeltranslation, as ServiceNotice). "Start from a template" on
    the notice form copies them into a new notice, which staff then complete (dates, area); a template is never
    published itself. Known across deployments by (jurisdiction, slug) in the configuration file."""

    jurisdiction = models.ForeignKey("jurisdictions.Jurisdiction", on_delete=models.CASCADE,
                                     related_name="notice_templates", verbose_name=_("jurisdiction"))
    name = models.CharField(_("template name"), max_length=120, help_text=_("What staff choose it by."))
    slug = models.SlugField(_("short name"), max_length=60)
    kind = models.CharField(_("kind"), max_length=16, choices=ServiceNotice.Kind.choices,
                            default=ServiceNotice.Kind.DISRUPTION)
    severity = models.CharField(_("severity"), max_length=8, choices=ServiceNotice.Severity.choices,
                                default=ServiceNotice.Severity.MINOR)
    title = models.CharField(_("title"), max_length=160)
    body = models.TextField(_("message"), validators=[MaxLengthValidator(5000)])
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("notice template")
        verbose_name_plural = _("notice templates")
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["jurisdiction", "slug"], name="unique_notice_template_slug")]

    def __str__(self) -> str:
        return self.name

    def notice_initial(self) -> dict:
        """The notice form's starting values taken from this template: jurisdiction, kind, severity, and the
        title and message in every language that has them."""
        initial = {"jurisdiction": self.jurisdiction_id, "kind": self.kind, "severity": self.severity}
        for code, _name in settings.LANGUAGES:
            for field in ("title", "body"):
                value = getattr(self, f"{field}_{code}", "")
                if value:
                    initial[f"{field}_{code}"] = value
        return initial
