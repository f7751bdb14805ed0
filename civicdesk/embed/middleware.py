"""Serve the embeddable pages under /embed/<jurisdiction>/[<language>/]: the same views, framed by allowed sites.

How a request to `/embed/riverbend/es/report/pothole/` is handled:

* The prefix is taken off `path_info` and becomes the script prefix for this request, so every `reverse()`,
  `{% url %}` and redirect of the report flow (each step, the confirmation, "change" links) stays under
  `/embed/riverbend/es/`: the flow cannot fall out of the frame.
* Only the views in EMBEDDABLE_VIEWS answer; any other page reached from an embedded one shows a short page
  with a link that opens it on the full site in a new tab (the full site refuses to be framed).
* The response may be framed by CivicDesk itself and the jurisdiction's allowed sites (CSP frame-ancestors
  through django-csp's per-response `_csp_replace`) and carries no X-Frame-Options; every other page keeps
  `frame-ancestors 'none'` and `X-Frame-Options: DENY`.
* Cookies are the embed's own: the main site's cookies (session, CSRF, language) are never read here, and the
  embedded pages' cookies are renamed `cdembed_<name>` with Path=/embed/ (SameSite=None; Secure on HTTPS, so a
  browser that allows third-party cookies keeps them inside the frame). A signed-in resident or staff member is
  therefore anonymous inside a frame: a framing site can never act with their session.
* Django's cookie-based CSRF check is replaced by an origin check: a POST must come from a page of this site
  (`Origin` equal to this site's origin, `Sec-Fetch-Site: same-origin` when sent). With no ambient credentials
  (see above) and the origin check, a forged cross-site POST is refused, and the flow works even when the
  browser blocks third-party cookies. See docs/embed.md.
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

from django.conf import settings
from django.core import signing
from django.http import Http404, HttpResponse, HttpResponseForbidden
from django.template.loader import render_to_string
from django.urls import get_script_prefix, reverse, set_script_prefix
from django.utils.translation import gettext as _

from .models import EmbedSettings

PREFIX = re.compile(r"^/embed/(?P<slug>[-a-zA-Z0-9_]+)/(?:(?P<lang>[a-z]{2}(?:-[a-z]{2,4})?)/)?(?P<rest>.*)$")

#: The views that answer inside a frame (the report flow, tracking, services A–Z and surveys).
EMBEDDABLE_VIEWS = {
    "intake:start", "intake:where", "intake:details", "intake:search", "intake:reports_near",
    "intake:pending_thumbnail",
    "servicerequests:lookup", "servicerequests:track", "servicerequests:support", "servicerequests:attachment",
    "servicerequests:attachment_size",
    "directory:services", "directory:service", "directory:permit",
    "surveys:detail", "surveys:start", "surveys:answer", "surveys:thanks",
}

COOKIE_PREFIX = "cdembed_"
COOKIE_PATH = "/embed/"
THANKS_PARAM = "thanks"
THANKS_SALT = "civicdesk.embed.thanks"
THANKS_MAX_AGE = 3600


class Embed:
    """What an embedded request knows: the jurisdiction, its settings (or defaults) and the URL prefix."""

    def __init__(self, jurisdiction, settings_row: EmbedSettings, prefix: str, language: str | None):
        self.jurisdiction = jurisdiction
        self.settings = settings_row
        self.site_prefix = get_script_prefix()  # "/" unless the site itself is served under a path
        self.prefix = self.site_prefix + prefix.lstrip("/")
        self.language = language
        self.theme_url = reverse("embed:theme_css", args=[jurisdiction.slug])

    def full_site_url(self, request) -> str:
        """The same page on the full site (the prefix removed), for "Open on the full site"."""
        query = request.GET.copy()
        query.pop(THANKS_PARAM, None)
        return self.site_prefix + request.path_info.lstrip("/") + (("?" + query.urlencode()) if query else "")

    def parent_origins(self) -> list[str]:
        """The origins frame.js may send height messages to (it matches `*.` entries against its referrer)."""
        return self.settings.origins()


def embed_for(slug: str, language: str | None) -> Embed:
    """The Embed of an active jurisdiction `slug`; Http404 for an unknown one or an unknown language."""
    from civicdesk.jurisdictions.models import Jurisdiction

    jurisdiction = Jurisdiction.objects.filter(slug=slug, is_active=True).first()
    if jurisdiction is None:
        raise Http404(_("No jurisdiction has that short name."))
    if language and language not in {code for code, _name in settings.LANGUAGES}:
        raise Http404(_("This site is not available in that language."))
    row = EmbedSettings.objects.filter(jurisdiction=jurisdiction).first() or EmbedSettings(jurisdiction=jurisdiction)
    prefix = f"/embed/{slug}/" + (f"{language}/" if language else "")
    return Embed(jurisdiction, row, prefix, language)


def thanks_token(public_id: str) -> str:
    return signing.dumps(public_id, salt=THANKS_SALT, compress=False)


def read_thanks_token(value: str) -> str | None:
    try:
        return signing.loads(value, salt=THANKS_SALT, max_age=THANKS_MAX_AGE)
    except signing.BadSignature:
        return None


class EmbedMiddleware:
    """See the module docstring. Sits below the CSP middleware (which reads `_csp_replace`) and above the
    session, locale and CSRF middleware (whose cookies it swaps)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        match = PREFIX.match(request.path_info)
        if match is None or match["rest"] == "theme.css":
            return self.get_response(request)
        embed = embed_for(match["slug"], match["lang"])
        if request.method not in ("GET", "HEAD", "OPTIONS", "TRACE") and not self._same_origin(request):
            return self._headers(embed, HttpResponseForbidden(
                _("This form must be sent from the page it is on. Reload the page and try again."),
                content_type="text/plain; charset=utf-8"))
        request.civicdesk_embed = embed
        request.path_info = "/" + match["rest"]
        embed.full_url = embed.full_site_url(request)
        request.COOKIES = {name[len(COOKIE_PREFIX):]: value for name, value in request.COOKIES.items()
                           if name.startswith(COOKIE_PREFIX) and name != COOKIE_PREFIX + settings.CSRF_COOKIE_NAME}
        if embed.language:
            request.COOKIES[settings.LANGUAGE_COOKIE_NAME] = embed.language
        else:
            request.COOKIES.pop(settings.LANGUAGE_COOKIE_NAME, None)
        request._dont_enforce_csrf_checks = True  # replaced by _same_origin() above
        set_script_prefix(embed.prefix)
        try:
            response = self.get_response(request)
            self._keep_thanks(request, response)
        finally:
            set_script_prefix(embed.site_prefix)
        self._swap_cookies(request, response)
        return self._headers(embed, response)

    def process_view(self, request, view_func, view_args, view_kwargs):
        embed = getattr(request, "civicdesk_embed", None)
        if embed is None:
            return None
        if request.resolver_match.view_name not in EMBEDDABLE_VIEWS:
            return HttpResponse(render_to_string("embed/leave.html", {"full_url": embed.full_url}, request=request))
        thanks = read_thanks_token(request.GET.get(THANKS_PARAM, ""))
        if thanks and view_kwargs.get("public_id") == thanks:
            request.session["just_submitted"] = thanks
        return None

    @staticmethod
    def _same_origin(request) -> bool:
        origin = request.META.get("HTTP_ORIGIN", "")
        if request.META.get("HTTP_SEC_FETCH_SITE", "same-origin") != "same-origin":
            return False
        return origin == f"{request.scheme}://{request.get_host()}"

    @staticmethod
    def _keep_thanks(request, response) -> None:
        """After a report is filed the confirmation's "thank you" lives in the session; a browser that refuses
        the frame's cookies would lose it, so the redirect also carries a signed, short-lived token."""
        session = getattr(request, "session", None)
        public_id = session.get("just_submitted") if session is not None else None
        if public_id and response.status_code in (301, 302, 303) and response.get("Location", "").rstrip("/").endswith(
                "/" + public_id):
            response["Location"] += "?" + urlencode({THANKS_PARAM: thanks_token(public_id)})

    @staticmethod
    def _swap_cookies(request, response) -> None:
        secure = request.is_secure()
        for name in list(response.cookies):
            morsel = response.cookies.pop(name)
            if name == settings.CSRF_COOKIE_NAME:
                continue  # the origin check stands in for it
            max_age = morsel["max-age"]
            response.set_cookie(COOKIE_PREFIX + name, morsel.value, max_age=int(max_age) if max_age != "" else None,
                                expires=morsel["expires"] or None, path=COOKIE_PATH, secure=secure, httponly=True,
                                samesite="None" if secure else "Lax")

    @staticmethod
    def _headers(embed: Embed, response):
        replace = dict(getattr(response, "_csp_replace", None) or {})
        replace["frame-ancestors"] = embed.settings.frame_ancestors()
        response._csp_replace = replace
        logo = embed.settings.logo_origin()
        if logo:
            update = dict(getattr(response, "_csp_update", None) or {})
            update["img-src"] = [*update.get("img-src", []), logo]
            response._csp_update = update
        if "X-Frame-Options" in response:
            del response["X-Frame-Options"]
        response.xframe_options_exempt = True
        return response
