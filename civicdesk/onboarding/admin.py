"""The admin's jurisdiction and district pages show their boundary on a read-only map, with a link to replace it
by upload, instead of raw GeoJSON text. (The jurisdictions app registers those pages; this app, above it in
the layer order, re-registers them with the map, so the jurisdictions app never imports onboarding.)"""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html, json_script
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from civicdesk.jurisdictions.admin import DistrictAdmin, JurisdictionAdmin
from civicdesk.jurisdictions.models import District, Jurisdiction
from civicdesk.lib import geo

from .boundaries import area_m2, describe_area


class BoundaryMapAdmin:
    """ModelAdmin mixin: on the change form, `boundary` is shown as a map (read-only) with "replace by upload"."""

    boundary_kind = "district"

    class Media:
        css = {"all": ["vendor/leaflet/leaflet.css", "onboarding/onboarding.css"]}
        js = ["vendor/leaflet/leaflet.js", "js/leaflet-setup.js", "onboarding/boundary_map.js"]

    def get_exclude(self, request, obj=None):
        excluded = list(super().get_exclude(request, obj) or [])
        return excluded + ["boundary"] if obj is not None else excluded

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return fields + ["boundary_map"] if obj is not None else fields

    def upload_url(self, obj) -> str:
        jurisdiction = obj if isinstance(obj, Jurisdiction) else obj.jurisdiction
        query = {"kind": self.boundary_kind, "jurisdiction": jurisdiction.slug, "replace": "1"}
        return reverse("onboarding:upload") + "?" + urlencode(query)

    @admin.display(description=_("boundary"))
    def boundary_map(self, obj):
        element = f"boundary-{obj._meta.model_name}-{obj.pk}"
        try:
            size = describe_area(area_m2(geo.shape(obj.boundary)))
        except ValueError:
            size = gettext("not a valid area")
        collection = {"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {"name": obj.name}, "geometry": obj.boundary}]}
        return format_html(
            '<div id="{0}-map" class="cd-boundary-widget" hidden data-boundary-widget="{0}" data-tiles="{1}" '
            'data-attribution="{2}" role="region" aria-label="{3}"></div>{4}'
            '<p id="{0}-help">{5} <a href="{6}">{7}</a></p>',
            element, settings.MAP_TILE_URL, settings.MAP_TILE_ATTRIBUTION,
            gettext("Map of the boundary of %(name)s") % {"name": obj.name}, json_script(collection, element),
            gettext("Area: %(size)s.") % {"size": size}, self.upload_url(obj),
            gettext("Replace this boundary by uploading a file"))


class JurisdictionMapAdmin(BoundaryMapAdmin, JurisdictionAdmin):
    boundary_kind = "jurisdiction"


class DistrictMapAdmin(BoundaryMapAdmin, DistrictAdmin):
    boundary_kind = "district"


for model, model_admin in [(Jurisdiction, JurisdictionMapAdmin), (District, DistrictMapAdmin)]:
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, model_admin)
