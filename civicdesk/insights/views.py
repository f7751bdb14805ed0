"""Staff insights pages: the hotspot list with filters and downloads, one hotspot, subscriptions, proactive work."""

from __future__ import annotations

import csv
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civicdesk.jurisdictions.models import Jurisdiction
from civicdesk.servicerequests import services as sr_services
from civicdesk.staff import access

from . import services
from .forms import InsightFilterForm, ProactiveWorkForm, SubscriptionForm
from .models import DetectionRun, Hotspot, HotspotSubscription, ProactiveWork

#: Rows shown per section on the page; the downloads hold every row.
SHOWN = 100
SECTIONS = {
    "cells": [Hotspot.Kind.CELL],
    "spikes": [Hotspot.Kind.CITY, Hotspot.Kind.DISTRICT],
    "repeats": [Hotspot.Kind.REPEAT],
}
ORDER = {"cells": ["q_value", "-observed", "id"], "spikes": ["q_value", "-observed", "id"],
         "repeats": ["-observed", "id"]}
JOINS = ("jurisdiction", "department", "service_type", "district")
CSV_COLUMNS = ["id", "kind", "status", "jurisdiction", "department", "service_code", "service_name", "district",
               "where", "lat", "long", "south", "west", "north", "east", "window_start", "window_end",
               "baseline_start", "observed", "baseline", "expected", "p_value", "q_value", "first_seen", "last_seen",
               "resolved_at"]


def _require_insights(user) -> None:
    access.require_staff(user)
    if not services.may_see_insights(user):
        raise PermissionDenied(_("Your role does not include hotspots and trends."))


def _filtered(request):
    visible = services.hotspots_visible_to(request.user)
    form = InsightFilterForm(request.GET or None, visible=visible)
    return form, form.apply(visible)


def _section(queryset, section: str):
    return queryset.filter(kind__in=SECTIONS[section]).select_related(*JOINS).order_by(*ORDER[section])


@login_required
def hotspot_list(request):
    """Hotspot cells, spikes and repeat locations the viewer may see, filtered, each section downloadable."""
    _require_insights(request.user)
    form, found = _filtered(request)
    sections = {name: list(_section(found, name)[:SHOWN + 1]) for name in SECTIONS}
    work = set(ProactiveWork.objects.filter(hotspot__in=[h.pk for rows in sections.values() for h in rows])
               .values_list("hotspot_id", flat=True))
    supervise = services.may_supervise(request.user)
    context = {
        "form": form, "query": request.GET.urlencode(), "shown": SHOWN, "with_work": work,
        "sections": {name: {"rows": rows[:SHOWN], "more": len(rows) > SHOWN} for name, rows in sections.items()},
        "last_run": DetectionRun.objects.exclude(finished_at=None).first(),
        "may_supervise": supervise,
        "map_cells": _map_cells(sections["cells"][:SHOWN]),
    }
    if supervise:
        jurisdictions = _supervised_jurisdictions(request.user)
        context["subscriptions"] = HotspotSubscription.objects.filter(user=request.user).select_related(
            "jurisdiction", "department", "service_type")
        context["subscription_form"] = SubscriptionForm(jurisdictions=jurisdictions)
    return render(request, "insights/list.html", context)


def _map_cells(cells: list[Hotspot]) -> list[dict]:
    """The flagged cells for the optional map (json_script'ed into the page, read by static/insights/map.js)."""
    return [{"id": h.pk, "bounds": [h.south, h.west, h.north, h.east], "label": h.place_name(),
             "service": str(h.service_type.name), "observed": h.observed, "url": h.get_absolute_url()}
            for h in cells if h.south is not None]


def _supervised_jurisdictions(user):
    if user.is_superuser:
        return Jurisdiction.objects.filter(is_active=True)
    ids = {seat.jurisdiction_id for seat in access.seats(user) if seat.role in services.SUPERVISOR_ROLES}
    return Jurisdiction.objects.filter(pk__in=ids)


@login_required
def download(request, section: str, fmt: str):
    """One section of the list (every row matching the filters, not only those shown) as CSV or JSON."""
    _require_insights(request.user)
    if section not in SECTIONS or fmt not in ("csv", "json"):
        raise Http404
    _form, found = _filtered(request)
    rows = [hotspot.as_row() for hotspot in _section(found, section).iterator(chunk_size=1000)]
    return _rows_response(rows, f"insights-{section}", fmt)


def _rows_response(rows: list[dict], name: str, fmt: str, columns: list[str] = CSV_COLUMNS) -> HttpResponse:
    if fmt == "json":
        response = HttpResponse(json.dumps(rows, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1),
                                content_type="application/json")
    else:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        writer = csv.DictWriter(response, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@login_required
def detail(request, pk: int):
    """One hotspot: its numbers, the requests it counted (those the viewer may open), its proactive work."""
    _require_insights(request.user)
    hotspot = services.get_hotspot_for(request.user, pk)
    counted = _counted(request.user, hotspot)
    work = ProactiveWork.objects.filter(hotspot=hotspot).select_related("request", "created_by").first()
    supervise = services.may_supervise(request.user) and services.hotspots_visible_to(
        request.user, roles=services.SUPERVISOR_ROLES).filter(pk=hotspot.pk).exists()
    form = None
    if supervise and work is None and hotspot.kind != Hotspot.Kind.CITY:
        form = ProactiveWorkForm(service_type=hotspot.service_type,
                                 initial={"description": services.suggested_description(hotspot)})
    return render(request, "insights/detail.html", {
        "hotspot": hotspot, "counted": counted[:200], "counted_total": len(counted), "work": work, "form": form,
        **_weekly(hotspot),
    })


def _weekly(hotspot: Hotspot) -> dict:
    """The weekly series of the hotspot's group as an accessible SVG chart and its table (empty for repeats)."""
    from django.utils import formats

    from civicdesk.lib.svgcharts import Series, line_chart

    weeks = hotspot.weekly_counts()
    if not weeks:
        return {}
    usual = round(hotspot.expected * 7 / hotspot.window_days(), 2) if hotspot.expected is not None else None
    labels = [formats.date_format(start, "SHORT_DATE_FORMAT") for start, _count in weeks]
    chart = line_chart(labels, [Series(_("Reports"), [count for _start, count in weeks]),
                                Series(_("Usual week"), [usual] * len(weeks))],
                       title=_("Reports per week: %(service)s, %(place)s")
                       % {"service": hotspot.service_type.name, "place": hotspot.place_name()})
    return {"weekly": [{"start": start, "label": label, "count": count}
                       for (start, count), label in zip(weeks, labels)],
            "weekly_chart": chart, "usual_week": usual}


@login_required
def weekly_download(request, pk: int):
    """The weekly series of one hotspot's group as CSV (the chart's data)."""
    _require_insights(request.user)
    hotspot = services.get_hotspot_for(request.user, pk)
    rows = [{"week_start": start.isoformat(), "reports": count} for start, count in hotspot.weekly_counts()]
    return _rows_response(rows, f"hotspot-{hotspot.pk}-weekly", "csv", ["week_start", "reports"])


def _counted(user, hotspot: Hotspot) -> list:
    visible = access.requests_visible_to(user).filter(pk__in=hotspot.requests().values("pk"))
    return list(visible.select_related("status").order_by("-requested_at", "-id")
                .only("public_id", "requested_at", "address", "status__name", "status__code", "is_open"))


@login_required
def detail_download(request, pk: int, fmt: str):
    """One hotspot and the tracking numbers of the requests it counted (those the viewer may open)."""
    _require_insights(request.user)
    if fmt not in ("csv", "json"):
        raise Http404
    hotspot = services.get_hotspot_for(request.user, pk)
    counted = [{"tracking_number": sr.public_id, "requested_at": sr.requested_at.isoformat(),
                "address": sr.address, "status": sr.status.code} for sr in _counted(request.user, hotspot)]
    if fmt == "json":
        return _rows_response({**hotspot.as_row(), "requests": counted}, f"hotspot-{hotspot.pk}", fmt)
    rows = [{**hotspot.as_row(), **row} for row in counted] or [hotspot.as_row()]
    return _rows_response(rows, f"hotspot-{hotspot.pk}", fmt,
                          CSV_COLUMNS + ["tracking_number", "requested_at", "address", "status"])


@login_required
@require_POST
def create_work(request, pk: int):
    """File the hotspot's one proactive request (supervisors and admins); a second click opens the first."""
    _require_insights(request.user)
    hotspot = services.get_hotspot_for(request.user, pk, supervise=True)
    if hotspot.kind == Hotspot.Kind.CITY:
        raise Http404(_("A city-wide spike has no single place to send a crew to."))
    form = ProactiveWorkForm(request.POST, service_type=hotspot.service_type)
    if form.is_valid():
        try:
            work = services.create_proactive_request(hotspot, user=request.user,
                                                     description=form.cleaned_data["description"],
                                                     attributes=form.attribute_answers())
        except services.AlreadyCreated as exc:
            messages.info(request, _("This hotspot already has its request: %s") % exc.work.request.public_id)
            return redirect(hotspot)
        except sr_services.RequestRejected as exc:
            for message in [m for msgs in exc.errors.values() for m in msgs]:
                form.add_error(None, message)
        else:
            messages.success(request, _("Request %s filed and routed.") % work.request.public_id)
            return redirect(hotspot)
    counted = _counted(request.user, hotspot)
    return render(request, "insights/detail.html", {
        "hotspot": hotspot, "counted": counted[:200], "counted_total": len(counted), "work": None, "form": form,
    }, status=400)


@login_required
@require_POST
def subscribe(request):
    """Subscribe the supervisor to new hotspots (a jurisdiction, optionally a department or a kind)."""
    _require_insights(request.user)
    if not services.may_supervise(request.user):
        raise PermissionDenied(_("Only supervisors and administrators may subscribe to hotspots."))
    form = SubscriptionForm(request.POST, jurisdictions=_supervised_jurisdictions(request.user))
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("insights:list")
    services.subscribe(request.user, **form.cleaned_data)
    messages.success(request, _("Subscribed. We will email you when a new hotspot is found."))
    return redirect("insights:list")


@login_required
@require_POST
def unsubscribe(request, pk: int):
    """End one of the person's own subscriptions."""
    _require_insights(request.user)
    subscription = get_object_or_404(HotspotSubscription, pk=pk, user=request.user)
    services.unsubscribe(request.user, subscription)
    messages.success(request, _("Subscription ended."))
    return redirect("insights:list")
