"""Template context shared by every page: the city pack, the site's name and map settings."""

from django.conf import settings
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext, gettext_lazy as _, gettext_noop

# The default tile attribution (settings.MAP_TILE_ATTRIBUTION), marked so that it is translated; a city's own
# attribution is shown as it is unless its wording is in the catalogue too.
gettext_noop('&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors')

#: What Leaflet would otherwise say in English: its zoom buttons and the link to it in the attribution.
MAP_STRINGS = {
    "zoomIn": _("Zoom in"),
    "zoomOut": _("Zoom out"),
    "leafletTitle": _("Leaflet, a JavaScript library for interactive maps"),
}

from civicdesk.cities import city


def city_context(request):
    pack = city()
    # The home jurisdiction (contact details, hours) and its name in the reader's language: one query, made
    # only when a page uses them.
    home = SimpleLazyObject(pack.home_jurisdiction)
    return {
        "city": pack,
        "home_jurisdiction": home,
        "site_name": SimpleLazyObject(lambda: pack.site_name(home if home else None)),
        "map_tile_url": settings.MAP_TILE_URL,
        "map_tile_attribution": gettext(settings.MAP_TILE_ATTRIBUTION) if settings.MAP_TILE_ATTRIBUTION else "",
        "map_strings": MAP_STRINGS,
    }
