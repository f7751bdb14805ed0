"""Security headers on every response: Content-Security-Policy (django-csp) and Permissions-Policy.

The policy allows scripts, styles, fonts and fetches from this site only (no
inline script, no inline event handler, no `eval`: templates load their code
from static files and pass data in `data-*` attributes or `json_script`),
images from this site and from the map tile server (`MAP_TILE_URL`, read per
request so a changed setting is seen at once), and no framing. A response may
widen a directive for itself through django-csp's `_csp_replace`/`_csp_update`
(the embedded pages' frame-ancestors and logo, civicdesk/embed/middleware.py);
the tile server is then added to its img-src too. The policy
itself is `CONTENT_SECURITY_POLICY` in settings.py; see docs/durability.md
("Security headers").
"""

from __future__ import annotations

from urllib.parse import urlsplit

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.http import HttpRequest, HttpResponseBase


def tile_source(url_template: str) -> str | None:
    """The CSP source expression of a tile URL template, or None for no tiles / tiles from this site.

    `https://{s}.tile.example.org/{z}/{x}/{y}.png` becomes
    `https://*.tile.example.org`: Leaflet fills `{s}` with a subdomain letter.
    """
    if not url_template:
        return None
    parts = urlsplit(url_template.replace("{s}", "subdomain-placeholder"))
    if not parts.scheme or not parts.netloc:
        return None  # a path on this site: 'self' covers it
    host = parts.netloc.replace("subdomain-placeholder", "*")
    return f"{parts.scheme}://{host}"


def permissions_policy(features: dict[str, list[str]]) -> str:
    """The Permissions-Policy header value: `geolocation=(self), camera=()`, ..."""
    return ", ".join(f"{feature}=({' '.join(allowed)})" for feature, allowed in features.items())


class SecurityHeadersMiddleware(CSPMiddleware):
    """django-csp's middleware, with the map tile server added to `img-src`, plus Permissions-Policy."""

    def get_policy_parts(self, request: HttpRequest, response: HttpResponseBase,
                         report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        source = tile_source(settings.MAP_TILE_URL)
        if source and not report_only:
            # added to the configured sources, and to any a view added for its own response (an embed's logo)
            update = dict(parts.update or {})
            update["img-src"] = [*update.get("img-src", []), source]
            parts.update = update
        return parts

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        response = super().process_response(request, response)
        if settings.PERMISSIONS_POLICY and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = permissions_policy(settings.PERMISSIONS_POLICY)
        return response
