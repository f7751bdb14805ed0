"""The public map of requests (/map/), its cells as JSON, and its accessible list (/map/list/)."""

from __future__ import annotations

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from civicdesk.cities import city

from . import services
from .forms import MapFilterForm, map_position

#: How long browsers and shared caches may keep a map answer: the map lags new requests by at most this.
JSON_MAX_AGE = 60


@require_GET
def map_page(request):
    """The map (drawn by publicmap/requests_map.js from cells.json) with its filters and a link to the list,
    which says the same in words and is what readers without JavaScript use. ?lat=&long=&zoom= (kept up to date
    by the script as the reader moves) open the map where a shared link was made."""
    form = MapFilterForm(request.GET)
    valid = form.is_valid()
    lat, long, zoom = map_position(request.GET, default=city().map_center)
    return render(request, "publicmap/map.html", {
        "form": form, "query": form.query_string(),
        "center_lat": lat, "center_long": long, "center_zoom": zoom}, status=200 if valid else 400)


@require_GET
def cells_json(request):
    """Counts per grid cell (zoomed in: the requests themselves) for ?bbox=west,south,east,north&zoom=N and the
    filters. 400 with the reasons when a parameter cannot be read."""
    form = MapFilterForm(request.GET)
    problems = [f"{name}: {message}" for name, messages in form.errors.items() for message in messages]
    try:
        bbox = services.BBox.parse(request.GET.get("bbox", ""))
    except ValueError:
        problems.append(_("bbox: give west,south,east,north in degrees."))
    try:
        zoom = int(request.GET.get("zoom", ""))
    except ValueError:
        problems.append(_("zoom: give a whole number from 0 to 19."))
    if problems:
        return JsonResponse({"errors": problems}, status=400)
    view = services.map_cells(bbox, zoom, form.filters())
    response = JsonResponse(view.as_json())
    response["Cache-Control"] = f"public, max-age={JSON_MAX_AGE}"
    return response


@require_GET
def request_list(request):
    """The same requests as the map, as a table, newest first, PAGE_SIZE per page (keyset: ?after=<cursor>)."""
    form = MapFilterForm(request.GET)
    page, bad_cursor = None, False
    if form.is_valid():
        try:
            page = services.list_page(form.filters(), after=request.GET.get("after", ""))
        except ValueError:
            bad_cursor = True
    errors = [{"id": "", "message": _("That page link is not valid. Start again from the newest requests.")}
              ] if bad_cursor else []
    return render(request, "publicmap/list.html", {
        "form": form, "query": form.query_string(), "page": page, "summary_errors": errors, "has_errors": bad_cursor,
        "paged": bool(request.GET.get("after")) and not bad_cursor},
        status=400 if bad_cursor or form.errors else 200)
