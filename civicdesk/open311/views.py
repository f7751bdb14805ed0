"""Open311 GeoReport v2 endpoints: thin views that parse, call services.py and render XML or JSON."""

from __future__ import annotations

import functools
import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.utils import translation
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt

from civicdesk.cities import city
from civicdesk.jurisdictions.models import Jurisdiction

from . import representations as docs
from . import services
from .models import ApiKey, hash_key
from .openapi import openapi_document
from .renderers import FORMATS, render, render_errors
from .services import Open311Error, param

log = logging.getLogger(__name__)


def _form(request: HttpRequest):
    """The POST form, parsed now so that a malformed or oversized body becomes a 400 in Open311's format."""
    try:
        return request.POST, request.FILES
    except (MultiPartParserError, RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent) as exc:
        raise Open311Error(400, gettext("The request body could not be read: %s") % exc) from None


def _has_nul(data) -> bool:
    return any("\x00" in value for _, values in data.lists() for value in values if isinstance(value, str))


def endpoint(*methods: str):
    """Make a view an Open311 endpoint.

    The view is called as view(request, fmt, **kwargs) and returns an
    HttpResponse or raises Open311Error, which becomes the error document in
    the same format. An unknown format is a 404 (answered in XML, the format
    every client reads); a method the endpoint lacks a 405. API clients carry no
    CSRF token, and need none: they authenticate with api_key, not cookies.
    Under a per-jurisdiction base URL (`j/<slug>/`) the jurisdiction is looked
    up here and kept on the request for _jurisdiction_id(); an unknown or
    inactive one is a 404.
    """
    allowed = set(methods) | ({"HEAD"} if "GET" in methods else set())

    def decorator(view):
        @csrf_exempt
        @functools.wraps(view)
        def wrapper(request: HttpRequest, fmt: str, jurisdiction_slug: str | None = None, **kwargs) -> HttpResponse:
            if fmt not in FORMATS:
                return render_errors("xml", 404, [(404, gettext("Unknown format .%s: use .xml or .json.") % fmt[:20])])
            if request.method not in allowed:
                return render_errors(fmt, 405, [(405, gettext("Method %s is not allowed here.") % request.method)],
                                     headers={"Allow": ", ".join(sorted(allowed))})
            try:
                request.open311_jurisdiction = _bound_jurisdiction(jurisdiction_slug)
                data = request.GET if request.method != "POST" else _form(request)[0]
                if _has_nul(request.GET) or _has_nul(data) or any("\x00" in str(v) for v in kwargs.values()):
                    raise Open311Error(400, gettext("Parameters may not contain NUL characters."))
                return view(request, fmt, **kwargs)
            except Open311Error as exc:
                return render_errors(fmt, exc.status, exc.errors, headers=exc.headers)
            except SuspiciousOperation as exc:
                log.warning("open311: suspicious request refused: %s", exc)
                return render_errors(fmt, 400, [(400, gettext("The request could not be read."))])
        return wrapper
    return decorator


def _extensions(request: HttpRequest) -> bool:
    return param(request.GET, "extensions").lower() in ("true", "1")


def _bound_jurisdiction(slug: str | None) -> Jurisdiction | None:
    """The jurisdiction a per-jurisdiction base URL names; None on the shared one. Open311Error 404 if unknown."""
    if slug is None:
        return None
    jurisdiction = Jurisdiction.objects.filter(slug=slug, is_active=True).first()
    if jurisdiction is None:
        raise Open311Error(404, gettext("There is no jurisdiction %s at this address.") % slug[:60])
    return jurisdiction


def _jurisdiction_id(request: HttpRequest, data=None) -> str:
    """The jurisdiction_id a call is about: the one its per-jurisdiction base URL implies, else the parameter.

    The parameter is read from the POST form first (`data`), then the query
    string. Under a per-jurisdiction URL, a parameter naming the same
    jurisdiction is accepted and one naming another is an Open311Error 400.
    """
    named = (param(data, "jurisdiction_id") if data is not None else "") or param(request.GET, "jurisdiction_id")
    bound = getattr(request, "open311_jurisdiction", None)
    if bound is None:
        return named
    if named and named != bound.open311_id:
        raise Open311Error(400, gettext("jurisdiction_id %(given)s does not match this address, which serves "
                                        "%(served)s only.") % {"given": named[:120], "served": bound.open311_id})
    return bound.open311_id


def _jurisdiction(request: HttpRequest):
    return services.resolve_jurisdiction(_jurisdiction_id(request))


def base_url(jurisdiction: Jurisdiction | None = None) -> str:
    """The absolute Open311 base URL, with its trailing slash: the shared one, or a jurisdiction's own."""
    return settings.SITE_URL + "/open311/v2/" + (f"j/{jurisdiction.slug}/" if jurisdiction else "")


@endpoint("GET")
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    """Service discovery: where the endpoints are (this one first, then the shared one and every
    jurisdiction's own), their formats, whom to ask for a key."""
    places = list(Jurisdiction.objects.filter(is_active=True).order_by("name"))
    bound = request.open311_jurisdiction
    contacts = [", ".join(part for part in (j.name, j.phone, j.email, j.website) if part)
                for j in places if bound is None or j == bound]
    urls = [base_url(bound)] + [base_url(j) for j in [None, *places] if j != bound]
    document = docs.discovery(
        contact="; ".join(contacts) or city().name,
        key_service=gettext("API keys for creating requests are issued by the city's CivicDesk administrators: "
                            "ask the contact above. Reading needs no key."),
        urls=urls,
        production=not settings.DEBUG,
    )
    return render(fmt, "discovery", document)


@endpoint("GET")
def service_list(request: HttpRequest, fmt: str) -> HttpResponse:
    """GET services: the public, active catalogue of the jurisdiction."""
    return render(fmt, "services", docs.services(services.offered_services(_jurisdiction(request))))


@endpoint("GET")
def service_definition(request: HttpRequest, fmt: str, code: str) -> HttpResponse:
    """GET services/{service_code}: the questions of one service type."""
    service = services.find_service(_jurisdiction(request), code)
    return render(fmt, "service_definition", docs.service_definition(service, services.definition_attributes(service)))


@endpoint("GET", "POST")
def request_list(request: HttpRequest, fmt: str) -> HttpResponse:
    """GET requests (filters, window, paging) or POST requests (create one, api_key needed)."""
    if request.method == "POST":
        data, files = _form(request)
        key = services.authenticate(param(data, "api_key"))
        created = services.create_request_counted(
            data, files, key=key, jurisdiction_id=_jurisdiction_id(request, data),
            language=translation.get_language() or settings.LANGUAGE_CODE)
        return render(fmt, "service_requests", docs.created(created, services.service_notice(created)))
    extensions = _extensions(request)
    found = services.find_requests(_jurisdiction(request), request.GET, extensions=extensions)
    return render(fmt, "service_requests", docs.service_requests(found, extensions=extensions))


@endpoint("GET")
def request_detail(request: HttpRequest, fmt: str, public_id: str) -> HttpResponse:
    """GET requests/{service_request_id}: a list of one, as the spec says."""
    extensions = _extensions(request)
    found = services.find_request(_jurisdiction(request), public_id, extensions=extensions)
    return render(fmt, "service_requests", docs.service_requests([found], extensions=extensions))


@endpoint("GET")
def token(request: HttpRequest, fmt: str, token: str) -> HttpResponse:
    """GET tokens/{token}. Requests are created in real time, so a token is the request's own id."""
    found = services.find_request(_jurisdiction(request), token, name="token")
    return render(fmt, "service_requests", docs.token(found, token))


@endpoint("GET", "POST")
def request_updates(request: HttpRequest, fmt: str) -> HttpResponse:
    """GET servicerequestupdates (by time window) or POST one (idempotent on the client's update_id)."""
    if request.method == "POST":
        data, _ = _form(request)
        key, jurisdiction = services.key_for_write(data, _jurisdiction_id(request, data), action="update")
        update = services.push_update(data, key=key, jurisdiction=jurisdiction)
        return render(fmt, "service_request_updates", docs.update_received(update))
    jurisdiction = _jurisdiction(request)
    # Reading needs no key; a client that names its key (FixMyStreet does) is not sent its own updates back.
    raw_key = param(request.GET, "api_key")
    own = ApiKey.objects.filter(key_hash=hash_key(raw_key)).first() if raw_key else None
    entries = services.find_updates(jurisdiction, request.GET, exclude_key=own)
    return render(fmt, "service_request_updates", docs.request_updates(entries, jurisdiction.tz))


def openapi(request: HttpRequest, jurisdiction_slug: str | None = None) -> HttpResponse:
    """The OpenAPI 3.1 description of the JSON endpoints, its server being the base URL it was asked under."""
    try:
        bound = _bound_jurisdiction(jurisdiction_slug)
    except Open311Error as exc:
        return render_errors("json", exc.status, exc.errors)
    return JsonResponse(openapi_document(base_url(bound).rstrip("/")), json_dumps_params={"indent": 1})


@csrf_exempt
def not_found(request: HttpRequest, path: str, jurisdiction_slug: str | None = None) -> HttpResponse:
    """Anything else under the base URL: 404 as an Open311 error, in the format the path asks for."""
    fmt = path.rsplit(".", 1)[-1] if "." in path.rsplit("/", 1)[-1] else "xml"
    return render_errors(fmt if fmt in FORMATS else "xml", 404, [(404, gettext("Resource not found."))])
