"""Home page and health check."""

from __future__ import annotations

import json
import os

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
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


def _supervised_processes() -> tuple[dict | None, dict | None]:
    """(supervisor, processes) from `manage.py serve`'s status file, or (None, None) without one."""
    if not settings.SERVE_STATUS_FILE:
        return None, None
    try:
        with open(settings.SERVE_STATUS_FILE, encoding="utf-8") as status_file:
            status = json.load(status_file)
    except (OSError, ValueError):
        return {"state": "unknown", "alive": False}, None
    supervisor = dict(status.get("supervisor") or {})
    try:
        os.kill(int(supervisor.get("pid")), 0)  # the file outlives a supervisor killed with SIGKILL
        supervisor["alive"] = True
    except (TypeError, ValueError, ProcessLookupError):
        supervisor["alive"] = False
    except PermissionError:
        supervisor["alive"] = True
    supervisor["updated_at"] = status.get("updated_at")
    return supervisor, status.get("processes")


def healthz(request):
    """JSON for load balancers and outside supervisors: 200 when the app reaches its database, else 503.

    `processes` is each child of `manage.py serve` (state running / restarting
    / given up / stopped, pid, restarts, last exit code) from the status file
    its supervisor writes; `status` is "degraded" while one of them is not
    running (the web still serves). See docs/durability.md for the format.
    """
    supervisor, processes = _supervised_processes()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        database = "ok"
    except Exception as exc:  # noqa: BLE001 - any database failure means unhealthy
        database = f"error: {type(exc).__name__}"
    degraded = supervisor is not None and (
        not supervisor.get("alive") or any(p.get("state") != "running" for p in (processes or {}).values()))
    status = "error" if database != "ok" else "degraded" if degraded else "ok"
    body = {"status": status, "database": database, "supervisor": supervisor, "processes": processes}
    response = JsonResponse(body, status=503 if database != "ok" else 200)
    response["Cache-Control"] = "no-store"
    return response
