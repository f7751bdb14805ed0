"""Home page and health check."""

from __future__ import annotations

import math

from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext, gettext_lazy as _
from django.views.decorators.http import require_safe

from civicdesk.catalog.models import ServiceType
from civicdesk.jurisdictions.services import nearest_address as nearest_address_point
from civicdesk.notices.models import ServiceNotice
from civicdesk.servicerequests.models import ServiceRequest
from civicdesk.throttle.services import Limit, RateLimited, check, client_ip

#: Active notices listed on the home page; the rest are one click away on /notices/.
HOME_NOTICES = 5


def home(request):
    popular = ServiceType.objects.public().select_related("group").order_by("group__order", "order", "id")[:8]
    # No .only() here: the names are translated fields (name_en, name_es, ...), and deferring them
    # cost two extra queries per listed request.
    recent = (
        ServiceRequest.objects.public()
        .select_related("service_type", "status")
        .order_by("-requested_at")[:8]
    )
    # Disruptions before news ("disruption" sorts first), newest first.
    notices = (ServiceNotice.objects.active().select_related("jurisdiction")
               .order_by("kind", "-starts_at", "-id")[:HOME_NOTICES])
    return render(request, "core/home.html", {"popular": popular, "recent": recent, "notices": notices})


#: Map pins placed per client per hour before the nearest-address look-up says "wait" (a person places a few).
NEAREST_ADDRESS_PER_HOUR = 600


@require_safe
def nearest_address(request):
    """The address nearest a map pin, so the page can say "Pin placed near 12 Oak Street" instead of
    coordinates: {"address": "..."} or {"address": null} when none is within reach. The address list is
    public; the per-client limit only stops one client from walking the whole list."""
    try:
        lat, long = float(request.GET["lat"]), float(request.GET["long"])
    except (KeyError, ValueError):
        return JsonResponse({"error": gettext("Give lat and long as numbers.")}, status=400)
    if not (math.isfinite(lat) and math.isfinite(long) and -90 <= lat <= 90 and -180 <= long <= 180):
        return JsonResponse({"error": gettext("The location is not a valid map position.")}, status=400)
    try:
        check(Limit(f"nearest-address:client:{client_ip(request)}", NEAREST_ADDRESS_PER_HOUR, 3600),
              message=_("Too many look-ups from your connection. Try again in an hour."))
    except RateLimited as exc:
        response = JsonResponse({"error": str(exc.message)}, status=429)
        response["Retry-After"] = str(exc.retry_after)
        return response
    point = nearest_address_point(lat, long)
    return JsonResponse({"address": point.full_address if point else None})


def healthz(request):
    """200 when the app can reach its database; for load balancers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # noqa: BLE001 - any database failure means unhealthy
        return JsonResponse({"status": "error", "error": type(exc).__name__}, status=503)
    return HttpResponse("ok", content_type="text/plain")
