"""Connector pages of the staff console, the dead letters, the request page's sync section, and the
signed inbound update endpoint."""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Count, Q
from django.http import HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from civicdesk.staff import access as staff_access
from civicdesk.throttle import services as throttle

from . import access, services, signing
from .backends.base import Update
from .forms import ConnectorForm, StatusTable, status_table_initial
from .models import Connector, SyncRecord

State = SyncRecord.State
#: Most inbound updates one call may carry.
MAX_INBOUND = 100
DEAD_PAGE = 100


@login_required
def connector_list(request: HttpRequest):
    """The connectors of the user's jurisdictions, with how many records are in each state."""
    access.require(request.user, "configure")
    places = access.jurisdictions_for(request.user, "configure")
    connectors = (Connector.objects.filter(jurisdiction__in=places).select_related("jurisdiction")
                  .annotate(sent=Count("records", filter=Q(records__state=State.SENT)),
                            waiting=Count("records", filter=Q(records__state__in=[
                                State.PENDING, State.SENDING, State.RETRYING])),
                            dead=Count("records", filter=Q(records__state__in=[State.FAILED, State.STOPPED]))))
    return render(request, "connectors/list.html", {"connectors": connectors})


@login_required
def connector_edit(request: HttpRequest, pk: int | None = None):
    """Create (no pk) or change a connector; every save is audit-logged (services.save_connector)."""
    access.require(request.user, "configure")
    connector = access.get_connector(request.user, pk) if pk else Connector()
    form = ConnectorForm(request.POST or None, instance=connector,
                         jurisdictions=access.jurisdictions_for(request.user, "configure"))
    table = StatusTable(request.POST or None, prefix="status", initial=status_table_initial(connector))
    if request.method == "POST" and all([form.is_valid(), table.is_valid()]):
        saved = services.save_connector(form, table, user=request.user)
        messages.success(request, _("Connector “%s” saved.") % saved.name)
        return redirect("connectors:edit", pk=saved.pk)
    return render(request, "connectors/edit.html", {
        "form": form, "connector": connector, "table": table,
        "summary_errors": table.summary_errors() + [{"id": "", "message": e} for e in table.non_form_errors()],
        "has_errors": bool(request.method == "POST" and (form.errors or not table.is_valid()))})


@login_required
def dead_letters(request: HttpRequest):
    """Records that failed or were stopped (and those waiting to retry), newest first, with their error."""
    access.require(request.user, "dead_letters")
    places = access.jurisdictions_for(request.user, "dead_letters")
    records = (SyncRecord.objects.filter(jurisdiction__in=places, state__in=[
        State.FAILED, State.STOPPED, State.RETRYING]).select_related("connector", "request__service_type")
               .order_by("-updated_at", "-id")[:DEAD_PAGE])
    return render(request, "connectors/dead_letters.html", {"records": records})


@login_required
@require_POST
def record_action(request: HttpRequest, pk: int, action: str):
    """Retry or stop one record (POST, CSRF); audit-logged by the service."""
    record = access.get_record(request.user, pk)
    try:
        if action == "retry":
            services.retry(record, user=request.user)
            messages.success(request, _("Request %s will be sent again now.") % record.request.public_id)
        else:
            services.stop(record, user=request.user)
            messages.success(request, _("Request %s will not be sent.") % record.request.public_id)
    except services.UpdateRejected as exc:
        messages.error(request, str(exc))
    return redirect("connectors:dead_letters")


def request_sync_section(http_request, service_request) -> str:
    """The staff request page's "Work-order systems" section (registered in apps.py); "" when the request
    was never forwarded. The page's own access check has already run."""
    records = list(service_request.sync_records.select_related("connector").order_by("connector__name"))
    if not records:
        return ""
    may_handle = access.can(http_request.user, "dead_letters", service_request.jurisdiction_id)
    return render_to_string("connectors/request_section.html", {"records": records, "may_handle": may_handle},
                            request=http_request)


def _error(status: int, message: str) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


@csrf_exempt
@require_POST
def inbound_updates(request: HttpRequest, pk: int):
    """POST /connectors/<pk>/updates: {"updates": [{"update_id", "tracking_number" or "external_id",
    "status", "note"}]}, signed like outgoing webhooks. All updates of one call apply together or not at
    all; an update_id seen before is skipped. Answers {"applied": n, "repeated": m}."""
    connector = get_object_or_404(Connector, pk=pk, kind=Connector.Kind.WEBHOOK)
    if not connector.enabled:
        return _error(403, _("This connector is switched off."))
    try:
        # Every call counts, signed or not, so neither a flood nor a guessing run gets far (abuse-limits.md).
        throttle.check(throttle.Limit(f"connector-inbound:{connector.pk}", settings.CONNECTORS_INBOUND_PER_MINUTE,
                                      60))
    except throttle.RateLimited as exc:
        response = _error(429, exc.message)
        response["Retry-After"] = str(exc.retry_after)
        return response
    try:
        signing.verify(connector.secret, timestamp=request.headers.get(signing.TIMESTAMP_HEADER, ""),
                       sent_signature=request.headers.get(signing.SIGNATURE_HEADER, ""), body=request.body)
    except signing.BadSignature as exc:
        return _error(401, str(exc))
    try:
        items = json.loads(request.body).get("updates")
    except (ValueError, AttributeError):
        items = None
    if not isinstance(items, list) or not items or len(items) > MAX_INBOUND:
        return _error(400, _("Send {\"updates\": [...]} with 1 to %d updates.") % MAX_INBOUND)
    updates = []
    for number, item in enumerate(items, start=1):
        item = item if isinstance(item, dict) else {}
        values = {name: str(item.get(name) or "").strip() for name in
                  ("update_id", "tracking_number", "external_id", "status", "note")}
        if not values["update_id"] or not (values["tracking_number"] or values["external_id"]) or not (
                values["status"] or values["note"]):
            return _error(400, _("Update %d needs update_id, tracking_number or external_id, and a status or a "
                                 "note.") % number)
        updates.append(Update(**values))
    applied = repeated = 0
    try:
        with transaction.atomic():
            for update in updates:
                if services.apply_update(connector, update):
                    applied += 1
                else:
                    repeated += 1
    except services.UpdateRejected as exc:
        return _error(400, str(exc))
    return JsonResponse({"applied": applied, "repeated": repeated})


def may_see_connectors(user) -> bool:
    """For the staff console's link: the user holds a seat that may configure or handle dead letters."""
    return staff_access.is_staff_member(user) and access.jurisdictions_for(user, "dead_letters").exists()
