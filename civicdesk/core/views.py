"""Home page and health check."""

from __future__ import annotations

import json
import math
import os

from django.conf import settings
from django.db import connection
from django.db.models import Subquery
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe
from django.views.i18n import set_language as django_set_language

from civicdesk.catalog.models import ServiceType
from civicdesk.core.conditional import PageVersion, conditional_page, current_minute
from civicdesk.jurisdictions.services import nearest_address as nearest_address_point
from civicdesk.lib.compiled import CompiledQuery, as_datetime
from civicdesk.notices.models import ServiceNotice
from civicdesk.servicerequests.models import ServiceRequest
from civicdesk.throttle.services import Limit, RateLimited, check, client_ip

#: Active notices listed on the home page; the rest are one click away on /notices/.
HOME_NOTICES = 5


def _home_statement():
    """The home page's validator's one statement: the newest change of any request (the recent list shows the
    newest public ones with their status) and, as two more columns, the notices' summary (the newest edit of
    any notice and how many there are: `ServiceNotice.objects.summary()`, as on /notices/)."""
    summary = ServiceNotice.objects.summary()
    return (ServiceRequest.objects.order_by("-updated_at")
            .annotate(notices_changed=Subquery(summary.values("latest")), notices=Subquery(summary.values("count")))
            .values_list("updated_at", "notices_changed", "notices")[:1])


#: Compiled once per process (lib/compiled.py); the notices alone for a city with no request yet.
_HOME = CompiledQuery(_home_statement)
_NOTICES_ALONE = CompiledQuery(lambda: ServiceNotice.objects.summary().values_list("latest", "count"))


def _home_version(request) -> PageVersion:
    """What the home page is drawn from: the newest change of any request, the notices (any edit, addition or
    removal changes their summary; the minute covers a notice starting or ending at its set time, as the
    "3 minutes ago" of the recent list). Kinds of problem are configuration (counted by core.ConfigGeneration).
    One statement: on PostgreSQL each is a round trip."""
    now = timezone.now()
    row = _HOME.first()
    if row is None:
        latest, (notices_changed, notices) = None, _NOTICES_ALONE.first() or (None, 0)
    else:
        latest, notices_changed, notices = row
    latest, notices_changed = as_datetime(latest), as_datetime(notices_changed)
    changed = max((t for t in (latest, notices_changed) if t is not None), default=None)
    key = ":".join([latest.isoformat() if latest else "", notices_changed.isoformat() if notices_changed else "",
                    str(notices or 0), current_minute(now)])
    return PageVersion(key, changed)


@conditional_page(_home_version)
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


#: The language switch in every page's header posts here without a CSRF token. Switching someone's language from
#: another site is harmless (they switch it back; nothing is read or sent), while a token in the header would put
#: a per-visitor secret in every page and keep shared caches from serving any of them (core/conditional.py).
set_language = csrf_exempt(django_set_language)
