"""The resident web report flow: category, location (with "already reported?"), details."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.sessions.backends.base import UpdateError
from django.db import DatabaseError
from django.db.models import F
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _, ngettext

from civicdesk.catalog import search
from civicdesk.catalog.models import ServiceGroup, ServiceType
from civicdesk.core.conditional import PageVersion, conditional_page
from civicdesk.jurisdictions.models import District, Jurisdiction
from civicdesk.lib import config_cache, geo
from civicdesk.notices.models import ServiceNotice
from civicdesk.search import deflection
from civicdesk.search.services import answers_for
from civicdesk.servicerequests import services
from civicdesk.servicerequests.models import Channel, ServiceRequest
from civicdesk.throttle.services import Limit, RateLimited, check, client_ip
from civicdesk.triage.services import detect_emergency, duplicate_candidates
from civicdesk.triage.suggest import reads_like_a_sentence, suggest_kinds_anywhere

from . import services as uploads
from .addresscheck import check_address
from .forms import LocationForm, ReportForm
from .nearby import open_reports_near


def _get_service_type(code: str) -> ServiceType:
    """The public kind of problem with this code, from the per-process cache (lib/config_cache.py; shared:
    read-only); 404 when there is none."""
    offered = config_cache.cached("intake_service_types",
                                  lambda: {service.code: service for service in ServiceType.objects.public()})
    service_type = offered.get(code)
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


def _start_version(request) -> PageVersion | None:
    """The list of kinds of problem is configuration only (counted by core.ConfigGeneration); a search (with
    answers drawn from help pages) is rendered each time."""
    if request.GET.get("q", "").strip():
        return None
    return PageVersion("kinds")


@conditional_page(_start_version)
def start(request):
    """Step 1: pick a category, grouped; a search ranks the types forgivingly (server-side, so it works
    without JavaScript) and says "call 911" when the words read like an emergency."""
    query = request.GET.get("q", "").strip()[:100]
    context = {"query": query, "emergency_number": None}
    if query:
        results, emergency = _category_search(query)
        context.update(results=results, count=len(results), status=_match_status(query, len(results)),
                       answers=deflection.answer_links(answers_for(query, translation.get_language())))
        if emergency:
            context["emergency_number"] = _emergency_number()
        elif reads_like_a_sentence(query) or not results:
            # "the light in front of my house is out": the kinds the city's history says such words are about.
            context["suggestions"] = suggest_kinds_anywhere(query)
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


def suggest_json(request):
    """"Is this about a pothole?" as the words are typed: {"codes", "status", "html"}, the suggestions rendered
    with the page's own template (`for=agent`: the agent intake's buttons). The emergency guard runs first:
    words that read like an emergency get no suggestion, only {"emergency": true}. The words are only read,
    never stored; a client over its limit gets 429."""
    try:
        check(Limit(f"kind-suggest:{client_ip(request)}", settings.KIND_SUGGESTIONS_PER_CLIENT_PER_MINUTE, 60))
    except RateLimited as exc:
        return JsonResponse({"error": str(exc)}, status=429, headers={"Retry-After": str(exc.retry_after)})
    text = request.GET.get("text", "").strip()[:2000]
    agent = request.GET.get("for") == "agent" and request.user.is_authenticated and request.user.is_staff
    field_id = "".join(ch for ch in request.GET.get("field", "") if ch.isalnum() or ch in "-_")[:60]
    emergency = bool(text and detect_emergency(text).stop)
    suggestions = [] if emergency else suggest_kinds_anywhere(text)
    status = ngettext("%(counter)s kind of problem suggested.", "%(counter)s kinds of problem suggested.",
                      len(suggestions)) % {"counter": len(suggestions)} if suggestions else ""
    html = render_to_string("triage/includes/kind_suggestions_body.html", {
        "suggestions": suggestions, "agent": agent, "field_id": field_id or "description"}, request=request)
    return JsonResponse({"codes": [s.service_type.code for s in suggestions], "status": status, "html": html,
                         "emergency": emergency})


def _map_areas() -> list[dict]:
    """Jurisdiction and district outlines for the location map (public information)."""
    areas = [{"name": j.name, "kind": "jurisdiction", "geojson": j.boundary}
             for j in Jurisdiction.objects.filter(is_active=True).only("name", "boundary")]
    areas += [{"name": d.name, "kind": "district", "geojson": d.boundary}
              for d in District.objects.only("name", "boundary")]
    return areas


def where(request, code: str):
    """Step 2: where is it? A pin, or a typed address confirmed on the map ("Is this right?") or chosen
    among "Did you mean…?" candidates; then offers open reports of the same problem nearby."""
    service_type = _get_service_type(code)
    changing = bool(request.GET.get("change"))
    form = LocationForm(request.GET if request.GET and not changing else None,
                        initial={"address": request.GET.get("address", "")[:255]} if changing else None)
    context = {"service_type": service_type, "form": form, "areas": _map_areas(),
               "reports_near": _public_reports_near(request)}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        pinned = data.get("lat") is not None and data.get("long") is not None
        if not pinned and not request.GET.get("confirmed"):
            check = check_address(typed=data.get("address", ""), address_id=data.get("address_id", ""))
            if check.confirm is not None or check.choices:
                context["check"] = check
                context["change_url"] = reverse("intake:where", args=[service_type.code]) + "?" + urlencode(
                    {"change": "1", "address": check.typed})
                return render(request, "intake/where.html", context)
            form.add_error(None, check.message)
            return render(request, "intake/where.html", context)
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
            nearby = _already_reported(service_type, location.lat, location.long)
            if not nearby or request.GET.get("skip_nearby"):
                return redirect(details_url)
            context.update({"nearby": nearby, "details_url": details_url, "location": location})
    return render(request, "intake/where.html", context)


def _already_reported(service_type: ServiceType, lat: float, long: float) -> list[tuple[ServiceRequest, float | None]]:
    """"Already reported?": open public reports of the same type near the resident's spot, as (request, metres).

    For a sensitive service type a list of "within 50 m of your pin" would show the exact place of other
    residents' reports to anyone moving a pin about, so it holds only reports whose snapped public point is the
    snapped cell of this spot, newest first, with no distance (None)."""
    if not service_type.is_sensitive:
        return duplicate_candidates(service_type=service_type, lat=lat, long=long)
    cell = geo.snap_to_grid(lat, long)
    candidates = (ServiceRequest.objects.public().open().filter(service_type=service_type, duplicate_of__isnull=True)
                  .near_public(cell[0], cell[1], 1).select_related("status", "service_type")
                  .order_by("-requested_at")[:200])
    return [(sr, None) for sr in candidates if sr.public_point() == cell][:5]


def _public_reports_near(request) -> list:
    """Open public reports near the pin (or the map's starting view), for the list beside the map."""
    try:
        lat, long = float(request.GET.get("lat", "")), float(request.GET.get("long", ""))
    except ValueError:
        from civicdesk.cities import city

        lat, long = city().map_center[0], city().map_center[1]
    return open_reports_near(lat=lat, long=long)


def reports_near_json(request):
    """Open public reports near a point, for the markers on the location map (public fields only)."""
    try:
        check(Limit(f"reports-near:{client_ip(request)}", 120, 60))
    except RateLimited as exc:
        return JsonResponse({"error": str(exc)}, status=429, headers={"Retry-After": str(exc.retry_after)})
    try:
        lat, long = float(request.GET.get("lat", "")), float(request.GET.get("long", ""))
    except ValueError:
        return JsonResponse({"error": _("Give lat and long as numbers.")}, status=400)
    if not geo.valid_point(lat, long):
        return JsonResponse({"error": _("The location is not a valid map position.")}, status=400)
    reports = open_reports_near(lat=lat, long=long)
    return JsonResponse({"reports": [report.as_public_json() for report in reports]})


def details(request, code: str):
    """Step 3: description, questions, photos and contact details; submits the request.

    Photos survive a failed attempt (a form error or the 911 stop): they are kept as pending uploads
    and come back as signed references, so the resident never has to attach them again.
    """
    service_type = _get_service_type(code)
    initial = {key: request.GET.get(key, "") for key in ("lat", "long", "address", "address_id")}
    if request.user.is_authenticated:
        initial.update(name=request.user.get_full_name(), email=request.user.email, phone=request.user.phone)
    form = ReportForm(request.POST or None, request.FILES or None, service_type=service_type, initial=initial)
    emergency = service_request = None
    contact_warning = False
    kept = []
    if request.method == "POST":
        owner = uploads.owner_key(request.session)
        kept = uploads.resolve(request.POST.getlist("kept_upload"), owner)
        removed = {p.pk for p in uploads.resolve(request.POST.getlist("remove_upload"), owner)}
        uploads.discard([p for p in kept if p.pk in removed])
        kept = [p for p in kept if p.pk is not None and p.pk not in removed]
    limited = None
    if request.method == "POST" and form.is_valid() and form.contact_details_in_description():
        contact_warning = True
    elif request.method == "POST" and form.is_valid():
        try:
            service_request, emergency = _submit(request, service_type, form, kept)
        except RateLimited as exc:
            form.add_error(None, exc.message)
            limited = exc
        if service_request is not None:
            return redirect(service_request.get_absolute_url())
    if request.method == "POST":
        kept += uploads.keep(request.FILES.getlist("media"), owner, client=client_ip(request), already=len(kept))
    if limited is not None:
        response = _details_page(request, service_type, form, None, initial, kept, contact_warning, status=429)
        response["Retry-After"] = str(limited.retry_after)
        return response
    status = 200 if request.method == "GET" else 400 if (form.errors or emergency) else 200
    return _details_page(request, service_type, form, emergency, initial, kept, contact_warning, status=status)


def _submit(request, service_type: ServiceType, form: ReportForm, kept: list):
    """Submit the valid report with its new and kept photos; returns (request or None, emergency or None).

    Kept photos are deleted once the report has them; on a refusal they stay kept for the next attempt.
    """
    data = form.cleaned_data
    kept_files = uploads.as_uploads(kept)
    try:
        service_request = services.submit_request(
            service_type=service_type, channel=Channel.WEB, lat=data.get("lat"), long=data.get("long"),
            address=data.get("address", ""), address_id=data.get("address_id", ""),
            description=data.get("description", ""), attributes=form.attribute_answers(),
            reporter=request.user, contact_name=data.get("name", ""), contact_email=data.get("email", ""),
            contact_phone=data.get("phone", ""), language=translation.get_language() or "en",
            uploads=kept_files + list(data.get("media") or []),
            not_emergency=data.get("not_emergency", False), actor=request.user,
            on_saved=lambda saved: _mark_submitted(request, saved),
            # Counted in the report's own transaction: one commit per report.
            limits=report_limits(request), limit_message=_(
                "You have sent a lot of reports in the last hour, so we cannot take another one from this "
                "connection just now. Please try again later, or call us. What you typed is still below."),
        )
    except services.EmergencyReported as exc:
        return None, exc
    except services.RequestRejected as exc:
        form.add_service_errors(exc.errors)
        return None, None
    finally:
        for kept_file in kept_files:
            kept_file.close()
    uploads.discard(kept)
    return service_request, None


def _mark_submitted(request, service_request) -> None:
    """In the report's transaction: the session's "just submitted" mark (the tracking page then thanks the
    resident once), and the help answers this session followed marked as not having settled the matter.

    An existing session is saved here, so the report and its mark are one commit; a session the report
    started, or one that cannot be saved here, is left to the session middleware, as for any other page.
    """
    request.session["just_submitted"] = service_request.public_id
    deflection.report_finished(request.session)  # answers followed before did not settle it
    if request.session.session_key is None:
        return
    try:
        request.session.save()  # a savepoint of its own: a failure here leaves the report's transaction usable
    except (UpdateError, DatabaseError):
        return
    request.session.modified = False  # written: the middleware need not write it again after the commit


def report_limits(request) -> list[Limit]:
    """The limits one web report counts against: reports from this client address (signed in or not) per
    hour, and from everyone together per hour (docs/abuse-limits.md)."""
    return [Limit(f"report:client:{client_ip(request)}", settings.REPORTS_PER_CLIENT_PER_HOUR, 3600),
            Limit("report:all", settings.REPORTS_PER_HOUR, 3600)]


def _details_page(request, service_type, form, emergency, initial, kept, contact_warning, *, status: int):
    location_known = bool(initial["lat"] or initial["address"] or request.POST.get("lat") or request.POST.get("address"))
    return render(request, "intake/details.html", {
        "service_type": service_type, "form": form, "emergency": emergency, "location_known": location_known,
        "kept_uploads": uploads.for_display(kept), "known_notices": _known_notices(request, service_type),
        "contact_warning": contact_warning,
        # "Is this what you need?" for the description as sent (as it is typed, report-answers.js asks).
        "answers": deflection.answer_links(answers_for(request.POST.get("description", ""), translation.get_language()))
        if request.method == "POST" else [],
    }, status=status)


def pending_thumbnail(request, ref: str):
    """The thumbnail of a photo kept between attempts; only for the session that uploaded it."""
    owner = request.session.get(uploads.SESSION_KEY, "")
    found = uploads.resolve([ref], owner)
    if not found or not found[0].thumbnail:
        raise Http404(_("This photo is no longer kept."))
    response = FileResponse(found[0].thumbnail.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return response


def _known_notices(request, service_type: ServiceType) -> list[ServiceNotice]:
    """Active disruption notices at the pin, for "We already know about this" (none without a pin)."""
    source = request.POST if request.method == "POST" else request.GET
    try:
        lat, long = float(source.get("lat", "")), float(source.get("long", ""))
    except ValueError:
        return []
    return ServiceNotice.covering(lat, long, service_type=service_type)
