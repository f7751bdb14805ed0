"""Public pages for one request: look-up by tracking number, tracking page, photos, "me too"."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civicdesk.catalog.models import ServiceType, Status
from civicdesk.core.conditional import PageVersion, conditional_page
from civicdesk.core.sharing import share_info
from civicdesk.jurisdictions.models import Department, District, Jurisdiction
from civicdesk.lib import config_cache
from civicdesk.lib.compiled import CompiledQuery, as_datetime
from civicdesk.lib.ids import normalize_public_id
from civicdesk.throttle.services import RateLimited, client_ip

from . import extensions, services
from .models import Attachment, ServiceRequest


def _get_public_request(public_id: str) -> ServiceRequest:
    """The request with this tracking number if the public may see it; 404 otherwise. Its kind, status,
    jurisdiction, district and department are configuration, taken from the process's cache
    (`config_cache.row`) rather than joined in: joining them cost more to build than the page's other queries."""
    canonical = normalize_public_id(public_id)
    request = ServiceRequest.objects.public().filter(public_id=canonical).first() if canonical else None
    if request is None:
        raise Http404(_("No request has that tracking number."))
    request.service_type = config_cache.row(ServiceType, request.service_type_id)
    request.status = config_cache.row(Status, request.status_id)
    request.jurisdiction = config_cache.row(Jurisdiction, request.jurisdiction_id)
    if request.district_id is not None:
        request.district = config_cache.row(District, request.district_id)
    if request.department_id is not None:
        request.department = config_cache.row(Department, request.department_id)
    return request


def _not_found(request, raw: str):
    """The look-up form again, saying the tracking number matched nothing the public may see (404)."""
    error = _("We could not find a request with the tracking number “%s”. Check it and try again.") % raw
    return render(request, "servicerequests/lookup.html", {
        "query": raw, "error": error, "lookup_errors": [{"id": "id_id", "message": error}]}, status=404)


def lookup(request):
    """Find a request by the tracking number a resident types or reads out."""
    raw = request.GET.get("id", "").strip()
    if raw:
        canonical = normalize_public_id(raw)
        if canonical and ServiceRequest.objects.public().filter(public_id=canonical).exists():
            return redirect("servicerequests:track", public_id=canonical)
        return _not_found(request, raw)
    return render(request, "servicerequests/lookup.html", {"query": "", "error": ""})


def _tracked(public_id: str):
    """The tracking page's validator's one statement: the request's own changes and, as more columns, what the
    sections other apps add are drawn from (extensions.add_tracking_page_version: the visible comments)."""
    sections = extensions.tracking_page_version_columns()
    return (ServiceRequest.objects.public().filter(public_id=public_id).annotate(**sections)
            .values_list("pk", "updated_at", "supporters_count", "duplicate_of_id", *sections)[:1])


#: Compiled once per process (lib/compiled.py), after every app has registered its columns.
_TRACKED = CompiledQuery(_tracked, public_id=str)


def _tracking_page_version(request, public_id: str) -> PageVersion | None:
    """What the tracking page is drawn from: every change of the request bumps `updated_at` (status, public
    update, photo hidden, redaction, merge, moved pin, made private), supporters are counted apart, and sections
    of other apps (comments) add their own columns. None (render as usual) for an unknown or odd number.
    One statement, whatever the sections: on PostgreSQL each statement is a round trip."""
    if request.COOKIES.get(settings.SESSION_COOKIE_NAME) and request.session.get("just_submitted"):
        return None  # the "thank you" page shows once
    row = _TRACKED.first(public_id=public_id)
    if row is None:
        return None
    pk, updated_at, supporters, duplicate_of, *sections = row
    updated_at = as_datetime(updated_at)
    key = ":".join([str(pk), updated_at.isoformat(), str(supporters), str(duplicate_of or ""),
                    *extensions.tracking_page_version_keys(sections)])
    return PageVersion(key, updated_at)


@conditional_page(_tracking_page_version, forms=True)
def track(request, public_id: str):
    """The public tracking page: status, public timeline, photos and map; never contact details.

    An unknown or private tracking number gets the look-up form with a message, status 404.
    """
    try:
        service_request = _get_public_request(public_id)
    except Http404:
        return _not_found(request, public_id)
    if service_request.public_id != public_id:
        return redirect("servicerequests:track", public_id=service_request.public_id)
    just_submitted = request.session.pop("just_submitted", None) == service_request.public_id
    # Where the public may see it: snapped, without the address, for a sensitive service type.
    public_lat, public_long = service_request.public_point()
    return render(request, "servicerequests/track.html", {
        "sr": service_request,
        "public_lat": public_lat, "public_long": public_long, "public_address": service_request.public_address(),
        "approximate": service_request.service_type.is_sensitive,
        "timeline": service_request.public_timeline(),
        "photos": service_request.visible_photos(),
        "just_submitted": just_submitted,
        "extra_sections": extensions.tracking_page_sections(request, service_request),
        "share": _share_info(service_request),
    })


def _share_info(service_request: ServiceRequest) -> dict[str, str]:
    """The tracking page's link preview: public text only. A sensitive type says only its district (its
    description can place a home); no contact detail ever (public_description masks typed ones)."""
    title = _("%(type)s · request %(id)s") % {"type": service_request.service_type.name, "id": service_request.public_id}
    if service_request.service_type.is_sensitive:
        place = service_request.district.name if service_request.district else service_request.jurisdiction.name
        description = _("%(status)s. Reported in %(place)s.") % {"status": service_request.status.name, "place": place}
    else:
        place = service_request.public_address()
        description = " ".join(part for part in (
            f"{service_request.status.name}.", place and f"{place}.", service_request.public_description()) if part)
    return share_info(title=title, description=description)


def attachment(request, public_id: str, pk: int, size: str = "full"):
    """Serve a visible photo or video of a public request from storage."""
    service_request = _get_public_request(public_id)
    item = Attachment.objects.filter(request=service_request, pk=pk, hidden=False).first()
    if item is None:
        raise Http404(_("No such photo."))
    field = item.thumbnail if size == "thumb" and item.thumbnail else item.file
    content_type = "image/jpeg" if field is item.thumbnail else item.content_type
    response = FileResponse(field.open("rb"), content_type=content_type)
    response["Cache-Control"] = "public, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
def support(request, public_id: str):
    """"This affects me too": count the resident once and go back to the request."""
    service_request = _get_public_request(public_id)
    if not request.session.session_key:
        request.session.save()
    try:
        added = services.support(service_request, user=request.user, session_key=request.session.session_key,
                                 client=client_ip(request))
    except RateLimited as exc:
        response = render(request, "limited.html", {
            "message": exc.message, "back_url": service_request.get_absolute_url(),
            "back_label": _("Back to request %s") % service_request.public_id}, status=429)
        response["Retry-After"] = str(exc.retry_after)
        return response
    except services.RequestRejected as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Thank you: we have counted you as affected.") if added
                         else _("You have already said this affects you."))
    return redirect("servicerequests:track", public_id=service_request.public_id)
