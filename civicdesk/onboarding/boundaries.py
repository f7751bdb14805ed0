"""Boundary import: a file's features checked and turned into a plan (what would change), then applied at once.

`plan_import()` reads nothing from the database it then writes: it returns a `BoundaryPlan` listing, for
each feature, its name, its repaired WGS84 geometry, what would happen to it (create or replace a
jurisdiction, district or routing-rule area) and its messages (refusals and warnings in plain words). A plan
with any refusal cannot be applied. `apply_plan()` writes every change in one transaction and audit-logs it.
The command (`manage.py import_boundaries`) and the staff console's upload both go through these two.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

import shapely
from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry
from shapely.validation import explain_validity

from civicdesk.catalog.models import RoutingRule
from civicdesk.jurisdictions.models import District, Jurisdiction
from civicdesk.jurisdictions.services import clear_caches
from civicdesk.lib import geo

from .geofiles import BoundaryFileError, Layer, read_boundary_file

KINDS = ("jurisdiction", "district", "area")
#: A self-intersection is repaired only when the repaired shape's area is within this share of the drawn one.
REPAIR_TOLERANCE = 0.01
#: Overlaps smaller than this (square metres) are rounding along a shared edge, not an overlap.
MIN_OVERLAP_M2 = 1.0
#: Attribute names tried, in order, when no name attribute is chosen.
NAME_GUESSES = ("name", "NAME", "Name", "NAMELSAD", "DISTRICT", "District", "district", "WARD", "Ward", "ward")

#: Where each country can be, as (west, south, east, north) boxes in degrees: a boundary outside every box of
#: its country has coordinates in the wrong order or the wrong projection. Countries not listed are not checked.
COUNTRY_BOXES: dict[str, list[tuple[float, float, float, float]]] = {
    "US": [(-125.0, 24.4, -66.9, 49.5), (-179.2, 51.0, -129.9, 71.5), (172.0, 51.0, 180.0, 53.1),
           (-160.6, 18.8, -154.7, 22.4), (-68.0, 17.6, -64.5, 18.6), (144.6, 13.2, 146.1, 20.6),
           (-171.2, -14.6, -168.1, -11.0)],
    "CA": [(-141.1, 41.6, -52.6, 83.2)],
    "MX": [(-118.5, 14.5, -86.7, 32.8)],
    "GB": [(-8.7, 49.8, 1.8, 60.9)],
    "ES": [(-18.2, 27.6, 4.4, 43.8)],
}


@dataclass
class FeaturePlan:
    """One feature of the file: its name, what would happen to it, and why not when it is refused."""

    index: int
    name: str
    geometry: BaseGeometry | None = None
    action: str = ""  # "create" or "replace"; "" when refused
    target: object | None = None  # the Jurisdiction, District or RoutingRule replaced
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    area_m2: float = 0.0

    @property
    def refused(self) -> bool:
        return bool(self.errors)

    def geojson(self) -> dict | None:
        """The repaired geometry as a GeoJSON Polygon/MultiPolygon dict (lists, not tuples), or None."""
        return json.loads(json.dumps(mapping(self.geometry))) if self.geometry is not None else None

    def area_text(self) -> str:
        return describe_area(self.area_m2)

    def action_label(self) -> str:
        if self.refused:
            return _("Refused")
        return _("Replace the boundary") if self.action == "replace" else _("Add")


@dataclass
class Overlap:
    first: str
    second: str
    area_m2: float

    def area_text(self) -> str:
        return describe_area(self.area_m2)


@dataclass
class BoundaryPlan:
    """What importing the file would do; `ok` when nothing is refused and something would change."""

    kind: str
    layer: Layer | None
    jurisdiction: Jurisdiction | None = None
    name_field: str = ""
    replace: bool = False
    features: list[FeaturePlan] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # refusals of the whole file
    overlaps: list[Overlap] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.features) and not any(f.refused for f in self.features)

    def refusals(self) -> list[str]:
        """Every refusal, the file's first, then each feature's, prefixed with the feature's name."""
        lines = list(self.errors)
        for feature in self.features:
            lines += [f"{feature.name or _('Feature %(n)s') % {'n': feature.index}}: {e}" for e in feature.errors]
        return lines

    def summary(self) -> dict:
        """Counts for the audit log and the command's last line."""
        return {"kind": self.kind, "create": sum(f.action == "create" for f in self.features),
                "replace": sum(f.action == "replace" for f in self.features),
                "names": [f.name for f in self.features],
                "overlaps": [[o.first, o.second, round(o.area_m2)] for o in self.overlaps]}

    def preview_geojson(self) -> dict:
        """A FeatureCollection of the features that have a shape, for the map preview."""
        return {"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {"name": f.name, "refused": f.refused}, "geometry": f.geojson()}
            for f in self.features if f.geometry is not None]}


def area_m2(geometry: BaseGeometry) -> float:
    """The area on the ground in square metres (on the WGS84 ellipsoid)."""
    from pyproj import Geod

    return abs(Geod(ellps="WGS84").geometry_area_perimeter(geometry)[0])


def describe_area(square_metres: float) -> str:
    """An area in words: hectares below one square kilometre, square kilometres above."""
    if square_metres < 10_000:
        return _("%(n)s m²") % {"n": f"{square_metres:,.0f}"}
    if square_metres < 1_000_000:
        return _("%(n)s hectares") % {"n": f"{square_metres / 10_000:,.1f}"}
    return _("%(n)s km²") % {"n": f"{square_metres / 1_000_000:,.2f}"}


def country_of(geometry: BaseGeometry) -> str | None:
    """The country (of COUNTRY_BOXES) whose boxes hold the shape's inner point, or None."""
    point = geometry.representative_point()
    for code, boxes in COUNTRY_BOXES.items():
        if any(w <= point.x <= e and s <= point.y <= n for w, s, e, n in boxes):
            return code
    return None


def _in_country(geometry: BaseGeometry, code: str) -> bool:
    return any(shapely.box(*box).buffer(0.5).covers(geometry) for box in COUNTRY_BOXES[code])


def guess_name_field(attributes: list[str]) -> str:
    """The attribute that most likely holds names, or ""."""
    return next((name for name in NAME_GUESSES if name in attributes), "")


def _where(reason: str) -> str:
    """"near longitude X, latitude Y" from GEOS's explanation "Self-intersection[X Y]", or ""."""
    found = re.search(r"\[(-?[\d.eE+-]+) (-?[\d.eE+-]+)", reason)
    if not found:
        return ""
    return _("near longitude %(long)s, latitude %(lat)s") % {
        "long": f"{float(found.group(1)):.5f}", "lat": f"{float(found.group(2)):.5f}"}


def _polygonal(geometry: BaseGeometry) -> BaseGeometry:
    """Only the areas of a shape (make_valid may leave lines and points beside them)."""
    if isinstance(geometry, (shapely.Polygon, shapely.MultiPolygon)):
        return geometry
    parts = [g for g in getattr(geometry, "geoms", []) if isinstance(g, (shapely.Polygon, shapely.MultiPolygon))]
    polygons = [p for part in parts for p in (part.geoms if isinstance(part, shapely.MultiPolygon) else [part])]
    return shapely.MultiPolygon(polygons) if polygons else shapely.Polygon()


def check_geometry(feature: FeaturePlan, geometry: BaseGeometry | None, other_shape: str = "") -> None:
    """Set feature.geometry to the shape to save, or add its refusal: not an area, empty, a self-intersection
    whose repair would change the area by more than REPAIR_TOLERANCE, coordinates that are not degrees."""
    if geometry is None or geometry.is_empty:
        if other_shape:
            feature.errors.append(_("It is a %(shape)s, not an area: a boundary must be a polygon.")
                                  % {"shape": other_shape})
        else:
            feature.errors.append(_("It has no shape (its geometry is empty)."))
        return
    if not isinstance(geometry, (shapely.Polygon, shapely.MultiPolygon)):
        feature.errors.append(_("It is a %(shape)s, not an area: a boundary must be a polygon.")
                              % {"shape": geometry.geom_type})
        return
    minx, miny, maxx, maxy = geometry.bounds
    if minx < -180 or maxx > 180 or miny < -90 or maxy > 90:
        feature.errors.append(_("Its coordinates are not longitudes and latitudes (they reach %(x)s, %(y)s): the "
                                "file is in a projection its metadata does not name.")
                              % {"x": f"{maxx:.0f}", "y": f"{maxy:.0f}"})
        return
    if not geometry.is_valid:
        reason = explain_validity(geometry)
        repaired = _polygonal(shapely.make_valid(geometry))
        drawn = geometry.area
        where = _where(reason)
        if repaired.is_empty or drawn == 0 or abs(repaired.area - drawn) / drawn > REPAIR_TOLERANCE:
            feature.errors.append(
                _("Its outline crosses itself %(where)s, and repairing it would change its area by more than 1%%. "
                  "Fix the outline in the GIS program and export it again.") % {"where": where or _("somewhere")})
            return
        feature.warnings.append(_("Its outline crossed itself %(where)s; it was repaired (the area changed by "
                                  "less than 1%%).") % {"where": where or _("somewhere")})
        geometry = repaired
        if isinstance(geometry, shapely.MultiPolygon) and len(geometry.geoms) == 1:
            geometry = geometry.geoms[0]
    feature.geometry = geometry
    feature.area_m2 = area_m2(geometry)


def _feature_name(raw_attributes: dict, name_field: str) -> str:
    value = raw_attributes.get(name_field)
    return str(value).strip() if value is not None else ""


def plan_import(data: bytes, *, kind: str, filename: str = "", name_field: str = "",
                jurisdiction: Jurisdiction | None = None, replace: bool = False,
                country: str | None = None) -> BoundaryPlan:
    """Read the file and work out what importing it would change; never writes.

    kind "jurisdiction": features named like an existing jurisdiction (name or short name) replace its
    boundary, others become new jurisdictions; with `jurisdiction` given, the file must hold that one
    jurisdiction's shape. kind "district": features replace or add districts of `jurisdiction`. kind "area":
    features fill the area of `jurisdiction`'s routing rule of the same name. An existing boundary is replaced
    only with `replace`. `country` (default settings.PHONE_REGION) is where new jurisdictions must lie.
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}")
    plan = BoundaryPlan(kind=kind, layer=None, jurisdiction=jurisdiction, replace=replace)
    if kind in {"district", "area"} and jurisdiction is None:
        plan.errors.append(_("Say which jurisdiction these districts or areas belong to."))
        return plan
    try:
        plan.layer = read_boundary_file(data, filename)
    except BoundaryFileError as exc:
        plan.errors.append(str(exc))
        return plan
    layer = plan.layer
    if not layer.features:
        plan.errors.append(_("The file holds no features."))
        return plan
    single = kind == "jurisdiction" and jurisdiction is not None
    plan.name_field = name_field or guess_name_field(layer.attributes)
    if single:
        if len(layer.features) != 1:
            plan.errors.append(_("The file holds %(n)s shapes; to replace one jurisdiction's boundary it must hold "
                                 "one (merge them into one multipolygon first).") % {"n": len(layer.features)})
            return plan
    elif not plan.name_field or plan.name_field not in layer.attributes:
        attributes = ", ".join(layer.attributes) or _("none")
        if name_field:
            plan.errors.append(_("The file has no attribute called “%(name)s”. Its attributes are: %(list)s.")
                               % {"name": name_field, "list": attributes})
        else:
            plan.errors.append(_("Choose the attribute that holds the names. The file's attributes are: %(list)s.")
                               % {"list": attributes})
        return plan
    _check_features(plan, layer)
    if plan.errors:
        return plan
    _match_targets(plan, single)
    _check_places(plan, country or settings.PHONE_REGION)
    if kind == "district":
        _find_overlaps(plan)
    return plan


def _check_features(plan: BoundaryPlan, layer: Layer) -> None:
    seen: dict[str, int] = {}
    for raw in layer.features:
        name = plan.jurisdiction.name if plan.kind == "jurisdiction" and plan.jurisdiction else \
            _feature_name(raw.attributes, plan.name_field)
        feature = FeaturePlan(index=raw.index, name=name)
        plan.features.append(feature)
        if not name:
            feature.errors.append(_("Feature %(n)s has no value in the attribute “%(field)s”, so it has no name.")
                                  % {"n": raw.index, "field": plan.name_field})
        elif name.lower() in seen:
            feature.errors.append(_("Two features have this name (features %(a)s and %(b)s); names must differ.")
                                  % {"a": seen[name.lower()], "b": raw.index})
        else:
            seen[name.lower()] = raw.index
        check_geometry(feature, raw.geometry, raw.other_shape)


def _match_targets(plan: BoundaryPlan, single: bool) -> None:
    """Set each feature's action and target: what it replaces, or what it adds."""
    if plan.kind == "jurisdiction":
        existing = list(Jurisdiction.objects.all())
    elif plan.kind == "district":
        existing = list(District.objects.filter(jurisdiction=plan.jurisdiction))
    else:
        existing = list(RoutingRule.objects.filter(jurisdiction=plan.jurisdiction).exclude(name=""))
    by_name = {}
    for obj in existing:
        # Translated names (name_en, name_es...) all count: the file may use any of them.
        for name in [obj.name] + [getattr(obj, f"name_{code}", None) or "" for code, _label in settings.LANGUAGES]:
            if name:
                by_name.setdefault(name.lower(), obj)
        if getattr(obj, "slug", ""):
            by_name.setdefault(obj.slug.lower(), obj)
    for feature in plan.features:
        target = plan.jurisdiction if single else by_name.get(feature.name.lower())
        has_shape = target is not None and (getattr(target, "area", None) if plan.kind == "area" else True)
        if plan.kind == "area" and target is None and feature.name:
            feature.errors.append(_("%(jurisdiction)s has no routing rule with this name; add the rule in the "
                                    "admin first, then import its area.") % {"jurisdiction": plan.jurisdiction})
        elif has_shape and not plan.replace:
            feature.errors.append(_("It already has a boundary here. Choose “replace” to replace it."))
        if feature.refused:
            continue
        feature.target = target
        feature.action = "replace" if target is not None else "create"
        if plan.kind == "district" and target is None and not slugify(feature.name):
            feature.errors.append(_("Its name has no letters or digits to make a short name from."))
            feature.action = ""


def _check_places(plan: BoundaryPlan, country: str) -> None:
    """Refuse shapes that cannot be in the jurisdiction's country; flag districts and areas outside it."""
    parent = None
    if plan.kind != "jurisdiction":
        try:
            parent = geo.shape(plan.jurisdiction.boundary)
        except ValueError:
            parent = None
        country = country_of(parent) if parent is not None else None
    for feature in plan.features:
        if feature.geometry is None:
            continue
        if country in COUNTRY_BOXES and not _in_country(feature.geometry, country):
            feature.errors.append(_("Its coordinates (around longitude %(long)s, latitude %(lat)s) cannot be in "
                                    "%(country)s: check that the file names its projection, and that longitude "
                                    "comes before latitude.") % {
                "long": f"{feature.geometry.centroid.x:.4f}", "lat": f"{feature.geometry.centroid.y:.4f}",
                "country": country})
            feature.action = ""
            continue
        if parent is None:
            continue
        outside = feature.geometry.difference(parent)
        share = outside.area / feature.geometry.area if feature.geometry.area else 0
        if share >= 0.999:
            feature.errors.append(_("It lies entirely outside %(jurisdiction)s.") % {"jurisdiction": plan.jurisdiction})
            feature.action = ""
        elif share > 0.001:
            feature.warnings.append(_("%(share)s of it (%(area)s) lies outside %(jurisdiction)s.") % {
                "share": f"{share:.1%}", "area": describe_area(area_m2(outside)), "jurisdiction": plan.jurisdiction})


def _find_overlaps(plan: BoundaryPlan) -> None:
    """List every pair of districts that would overlap after the import (the file's and those kept)."""
    shapes: list[tuple[str, BaseGeometry]] = [(f.name, f.geometry) for f in plan.features if f.geometry is not None]
    replaced = {f.target.pk for f in plan.features if f.target is not None}
    for district in District.objects.filter(jurisdiction=plan.jurisdiction).exclude(pk__in=replaced):
        try:
            shapes.append((district.name, geo.shape(district.boundary)))
        except ValueError:
            continue
    if len(shapes) < 2:
        return
    tree = shapely.STRtree([s for _, s in shapes])
    for i, (name, geometry) in enumerate(shapes):
        for j in sorted(int(j) for j in tree.query(geometry, predicate="intersects")):
            if j <= i:
                continue
            overlap = geometry.intersection(shapes[j][1])
            size = area_m2(overlap) if not overlap.is_empty else 0.0
            if size >= MIN_OVERLAP_M2:
                plan.overlaps.append(Overlap(name, shapes[j][0], size))


def _unique_slug(model, name: str, **scope) -> str:
    """A short name made from `name`, numbered until no row in `scope` has it (nor, for jurisdictions, has it as
    its Open311 jurisdiction_id, which new jurisdictions start with)."""
    from django.db.models import Q

    base = slugify(name)[:45] or "area"
    slug, n = base, 2
    while model.objects.filter(Q(slug=slug) | (Q(open311_id=slug) if model is Jurisdiction else Q(pk__in=[])),
                               **scope).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def apply_plan(plan: BoundaryPlan, *, user=None, source: str = "") -> list[object]:
    """Write every change of an `ok` plan in one transaction and audit-log it; returns the rows written.

    Raises ValueError for a plan with refusals (nothing is written).
    """
    if not plan.ok:
        raise ValueError("; ".join(plan.refusals()) or "nothing to import")
    # New rows get their name in the default language (modeltranslation writes `name` in the active one),
    # whatever language the admin's console is in.
    with translation.override(settings.MODELTRANSLATION_DEFAULT_LANGUAGE):
        written = _write(plan)
    summary = {**plan.summary(), "source": source[:200],
               "format": plan.layer.file_format if plan.layer else "",
               "projection": plan.layer.source_crs if plan.layer else ""}
    audited = [plan.jurisdiction] if plan.jurisdiction is not None else \
        [o for o in written if isinstance(o, Jurisdiction)]
    for obj in audited:
        obj.log_action("boundaries.imported", user=user, data=summary)
    transaction.on_commit(clear_caches)
    clear_caches()
    return written


def _write(plan: BoundaryPlan) -> list[object]:
    written = []
    for feature in plan.features:
        boundary = feature.geojson()
        if plan.kind == "jurisdiction":
            obj = feature.target
            if obj is None:
                slug = _unique_slug(Jurisdiction, feature.name)
                home = Jurisdiction.objects.order_by("id").first()
                obj = Jurisdiction(name=feature.name, slug=slug, open311_id=slug,
                                   time_zone=home.time_zone if home else settings.TIME_ZONE)
            obj.boundary = boundary
            obj.full_clean()
            obj.save()
        elif plan.kind == "district":
            obj = feature.target or District(jurisdiction=plan.jurisdiction, name=feature.name,
                                             slug=_unique_slug(District, feature.name,
                                                               jurisdiction=plan.jurisdiction))
            obj.boundary = boundary
            obj.full_clean()
            obj.save()
        else:
            obj = feature.target
            obj.area = boundary
            obj.save(update_fields=["area"])
        written.append(obj)
    return written
