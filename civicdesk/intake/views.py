"""The resident web report flow: category, location (with "already reported?"), details."""

from __future__ import annotations

from urllib.parse import urlencode

from django.db.models import F
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _, ngettext

from civicdesk.catalog import search
from civicdesk.catalog.models import ServiceGroup, ServiceType
from civicdesk.jurisdictions.models import District, Jurisdiction
from civicdesk.notices.models import ServiceNotice
from civicdesk.servicerequests import services
from civicdesk.servicerequests.models import Channel
from civicdesk.triage.services import detect_emergency, duplicate_candidates

from .forms import LocationForm, ReportForm


def _get_service_type(code: str) -> ServiceType:
    service_type = ServiceType.objects.public().filter(code=code).first()
    if service_type is None:
        raise Http404(_("There is no such kind of problem to report."))
    return service_type


def _emergency_number() -> str:
    """The number the category search tells residents to call: the jurisdictions' own when they share one."""
    numbers = set(Jurisdiction.objects.filter(is_active=True).values_list("emergency_number", flat=True))
    return numbers.pop() if len(numbers) == 1 else "911"


def _category_search(query: str) -> tuple[list[ServiceType], bool]:
    """The public types `query` is about, best first, and whether it reads like an emergency."""
    types = ServiceType.objects.public().select_related("group").order_by(
        F("group__order").asc(nulls_last=True), "group__name", "order", "name")
    return search.rank(query, types), bool(detect_emergency(query))


def _match_status(query: str, count: int) -> str:
    # The same words as the page's {% blocktranslate count %}, so one translation serves both.
    return ngettext("%(counter)s match for “%(query)s”.", "%(counter)s matches for “%(query)s”.", count) % {
        "counter": count, "query": query}


def start(request):
    """Step 1: pick a category, grouped; a search ranks the types forgivingly (server-side, so it works
    without JavaScript) and says "call 911" when the words read like an emergency."""
    query = request.GET.get("q", "").strip()[:100]
    context = {"query": query, "emergency_number": None}
    if query:
        results, emergency = _category_search(query)
        context.update(results=results, count=len(results), status=_match_status(query, len(results)))
        if emergency:
            context["emergency_number"] = _emergency_number()
    else:
        # Types with no group go under "Other", at the end (SQLite and PostgreSQL disagree on NULL order).
        types = ServiceType.objects.public().select_related("group").order_by(
            F("group__order").asc(nulls_last=True), "group__name", "order", "name")
        groups: dict[ServiceGroup | None, list[ServiceType]] = {}
        for service_type in types:
            groups.setdefault(service_type.group, []).append(service_type)
        context.update(groups=list(groups.items()), count=sum(len(v) for v in groups.values()))
    return render(request, "intake/start.html", context)


def search_json(request):
    """The category search for the page's live filter: the same ranking and emergency check as start()."""
    query = request.GET.get("q", "").strip()[:100]
    if not query:
        return JsonResponse({"query": "", "codes": [], "count": 0, "status": "", "emergency": False})
    results, emergency = _category_search(query)
    return JsonResponse({"query": query, "codes": [t.code for t in results], "count": len(results),
                         "status": _match_status(query, len(results)), "emergency": emergency,
                         "emergency_number": _emergency_number() if emergency else None})


def _map_areas() -> list[dict]:
    """Jurisdiction and district outlines for the location map (public information)."""
    areas = [{"name": j.name, "kind": "jurisdiction", "geojson": j.boundary}
             for j in Jurisdiction.objects.filter(is_active=True).only("name", "boundary")]
    areas += [{"name": d.name, "kind": "district", "geojson": d.boundary}
              for d in District.objects.only("name", "boundary")]
    return areas


def where(request, code: str):
    """Step 2: where is it? A pin or an address; offers open reports of the same problem nearby."""
    service_type = _get_service_type(code)
    form = LocationForm(request.GET if request.GET else None)
    context = {"service_type": service_type, "form": form, "areas": _map_areas()}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            location = services.resolve_location(lat=data.get("lat"), long=data.get("long"),
                                                 address=data.get("address", ""),
                                                 address_id=data.get("address_id", ""))
        except services.RequestRejected as exc:
            for message in exc.errors.get("location", [str(exc)]):
                form.add_error(None, message)
        else:
            params = urlencode({"lat": f"{location.lat:.6f}", "long": f"{location.long:.6f}",
                                "address": location.address, "address_id": location.address_id})
            details_url = reverse("intake:details", args=[service_type.code]) + "?" + params
            nearby = duplicate_candidates(service_type=service_type, lat=location.lat, long=location.long)
            if not nearby or request.GET.get("skip_nearby"):
                return redirect(details_url)
            context.update({"nearby": nearby, "details_url": details_url, "location": location})
    return render(request, "intake/where.html", context)


def details(request, code: str):
    """Step 3: description, questions, photos and contact details; submits the request."""
    service_type = _get_service_type(code)
    initial = {key: request.GET.get(key, "") for key in ("lat", "long", "address", "address_id")}
    if request.user.is_authenticated:
        initial.update(name=request.user.get_full_name(), email=request.user.email, phone=request.user.phone)
    form = ReportForm(request.POST or None, request.FILES or None, service_type=service_type, initial=initial)
    emergency = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            service_request = services.submit_request(
                service_type=service_type, channel=Channel.WEB, lat=data.get("lat"), long=data.get("long"),
                address=data.get("address", ""), address_id=data.get("address_id", ""),
                description=data.get("description", ""), attributes=form.attribute_answers(),
                reporter=request.user, contact_name=data.get("name", ""), contact_email=data.get("email", ""),
                contact_phone=data.get("phone", ""), language=translation.get_language() or "en",
                uploads=data.get("media") or [], not_emergency=data.get("not_emergency", False),
                actor=request.user,
            )
        except services.EmergencyReported as exc:
            emergency = exc
        except services.RequestRejected as exc:
            form.add_service_errors(exc.errors)
        else:
            request.session["just_submitted"] = service_request.public_id
            return redirect(service_request.get_absolute_url())
    location_known = bool(initial["lat"] or initial["address"] or request.POST.get("lat") or request.POST.get("address"))
    status = 200 if request.method == "GET" else 400 if (form.errors or emergency) else 200
    return render(request, "intake/details.html", {
        "service_type": service_type, "form": form, "emergency": emergency, "location_known": location_known,
        "had_files": bool(request.FILES), "known_notices": _known_notices(request, service_type),
    }, status=status)


def _known_notices(request, service_type: ServiceType) -> list[ServiceNotice]:
    """Active disruption notices at the pin, for "We already know about this" (none without a pin)."""
    source = request.POST if request.method == "POST" else request.GET
    try:
        lat, long = float(source.get("lat", "")), float(source.get("long", ""))
    except ValueError:
        return []
    return ServiceNotice.covering(lat, long, service_type=service_type)
