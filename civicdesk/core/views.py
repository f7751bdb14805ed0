"""Home page and health check."""

from __future__ import annotations

from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render

from civicdesk.catalog.models import ServiceType
from civicdesk.notices.models import ServiceNotice
from civicdesk.servicerequests.models import ServiceRequest

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


def healthz(request):
    """200 when the app can reach its database; for load balancers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # noqa: BLE001 - any database failure means unhealthy
        return JsonResponse({"status": "error", "error": type(exc).__name__}, status=503)
    return HttpResponse("ok", content_type="text/plain")
