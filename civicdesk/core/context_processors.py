"""Template context shared by every page: the city pack and map settings."""

from django.conf import settings

from civicdesk.cities import city


def city_context(request):
    return {
        "city": city(),
        "map_tile_url": settings.MAP_TILE_URL,
        "map_tile_attribution": settings.MAP_TILE_ATTRIBUTION,
    }
