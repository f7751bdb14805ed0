"""Pages every public site has: help, contact, privacy, accessibility, terms; robots.txt, sitemap.xml and
the web app manifest. City-specific values (name, phone, email, address, hours) come from the home
jurisdiction's record (DefaultCity.home_jurisdiction), never from the templates."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.dates import WEEKDAYS
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from civicdesk.catalog.models import ServiceType
from civicdesk.cities import city
from civicdesk.jurisdictions.models import Jurisdiction

#: (url name, priority) of the public pages listed in sitemap.xml; request pages (personal data) never are.
SITEMAP_PAGES = [("core:home", "1.0"), ("intake:start", "0.9"), ("servicerequests:lookup", "0.6"),
                 ("alerts:subscribe", "0.5"), ("notices:list", "0.6"), ("core:help", "0.5"),
                 ("core:contact", "0.5"), ("core:privacy", "0.3"), ("core:accessibility", "0.3"),
                 ("core:terms", "0.3"), ("publicmap:map", "0.6"), ("publicmap:list", "0.4"),
                 ("transparency:dashboard", "0.6"), ("reports:archive", "0.5"), ("opendata:catalogue", "0.5"),
                 ("content:hub", "0.8"), ("content:faq", "0.7"), ("content:glossary", "0.5")]
#: Paths robots should not crawl: sign-in and private areas (they are behind logins anyway).
ROBOTS_DISALLOW = ["/staff/", "/admin/", "/account/", "/accounts/", "/subscriptions/", "/notifications/",
                   "/inbound/"]


def _page(request, name: str, **context):
    return render(request, f"core/pages/{name}.html", {"page": name, **context})


@require_safe
def help_page(request):
    return _page(request, "help")


@require_safe
def contact(request):
    home = city().home_jurisdiction()
    hours = []
    if home is not None:
        for weekday, opens, closes in home.opening_hours():
            hours.append((WEEKDAYS[weekday], dt.time.fromisoformat(opens), dt.time.fromisoformat(closes)))
    others = Jurisdiction.objects.filter(is_active=True).exclude(pk=home.pk if home else None).order_by("id")
    return _page(request, "contact", hours=hours, others=others)


@require_safe
def privacy(request):
    return _page(request, "privacy", session_days=settings.SESSION_COOKIE_AGE // 86400)


@require_safe
def accessibility(request):
    return _page(request, "accessibility")


@require_safe
def terms(request):
    return _page(request, "terms")


@require_safe
@cache_control(max_age=3600, public=True)
def robots_txt(request):
    lines = ["User-agent: *"] + [f"Disallow: {path}" for path in ROBOTS_DISALLOW]
    lines.append(f"Sitemap: {settings.SITE_URL}{reverse('core:sitemap')}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@require_safe
@cache_control(max_age=3600, public=True)
def sitemap_xml(request):
    """The public pages and one page per public service category, each with its Spanish alternate."""
    urls = [(reverse(name), priority) for name, priority in SITEMAP_PAGES]
    codes = ServiceType.objects.public().order_by("code").values_list("code", flat=True)
    urls += [(reverse("intake:where", args=[code]), "0.4") for code in codes]
    body = render(request, "core/sitemap.xml", {"site_url": settings.SITE_URL, "urls": urls},
                  content_type="application/xml; charset=utf-8")
    return body


@require_safe
@cache_control(max_age=3600, public=True)
def manifest(request):
    """The web app manifest: installable on a phone's home screen, named after the site, in its language."""
    pack = city()
    name = f"{pack.site_name()} {pack.short_name}".strip()
    icons = [{"src": static("img/favicon.svg"), "sizes": "any", "type": "image/svg+xml"}]
    icons += [{"src": static(f"img/icon-{size}.png"), "sizes": f"{size}x{size}", "type": "image/png"}
              for size in (192, 512)]
    icons.append({"src": static("img/icon-maskable-512.png"), "sizes": "512x512", "type": "image/png",
                  "purpose": "maskable"})
    data = {
        "name": name, "short_name": str(pack.short_name) or name[:12], "lang": translation.get_language(),
        "start_url": reverse("core:home"), "scope": "/", "display": "standalone",
        "background_color": "#ffffff", "theme_color": "#005ea2",
        "description": str(pack.tagline) or name, "icons": icons,
    }
    return JsonResponse(data, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False})


@require_safe
def favicon(request):
    """Browsers ask for /favicon.ico whatever the page links: send them to the icon."""
    return redirect(static("img/icon-32.png"), permanent=True)
