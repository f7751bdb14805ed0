"""Template context shared by every page: the city pack, the site's name and map settings."""

from django.conf import settings
from django.utils.functional import SimpleLazyObject

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
        "map_tile_attribution": settings.MAP_TILE_ATTRIBUTION,
    }
