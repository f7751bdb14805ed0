"""Conditional GET for public pages: an ETag worked out before the page is rendered, a 304 without rendering.

A public page that many people reload (the home page, a tracking page, the notices, the report form's first
step) declares what it is drawn from with a small *version* function: `version(request, **view_kwargs)`
returns a `PageVersion` (a string that changes whenever anything the page shows changes, and the time of that
change) or None (no validator: render as usual, e.g. an unknown tracking number). The decorator
`conditional_page(version)` then:

- builds the ETag from the version, the configuration generation (core.ConfigGeneration: renaming a kind of
  problem or a status changes every page's ETag on every server), the language, the visitor's session cookie,
  for pages with forms the visitor's CSRF cookie (the page carries a token made for it), and the build (static
  files, templates, code version), and answers `If-None-Match` with 304 Not Modified without rendering;
- otherwise renders, and sets `ETag`, `Last-Modified` and `Cache-Control`: `public, no-cache` for a page
  without forms (a shared cache may keep it and must ask again, cheaply, each time: never stale), `private,
  no-cache` for a page with a form (its CSRF token is the visitor's: only their own browser may keep it).

Signed-in users, visitors with a message waiting (a flash message shows once) and other methods than GET and
HEAD are served exactly as before, with no validator. The ETag is the only validator answered: the
Last-Modified date is sent for information (a language change does not change it, so `If-Modified-Since` alone
is not trusted to mean "same page").
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db.models import F
from django.http import HttpResponseNotModified
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date

PUBLIC_CACHE_CONTROL = "public, no-cache"
PRIVATE_CACHE_CONTROL = "private, no-cache"


@dataclass(frozen=True)
class PageVersion:
    """What a public page is drawn from: `key` changes whenever the page would; `changed_at` is when it last did
    (sent as Last-Modified; None when unknown)."""

    key: str
    changed_at: datetime | None = None


#: Files whose change can change a rendered page: code, templates and compiled translations.
_BUILD_SUFFIXES = (".py", ".html", ".mo")


@functools.cache
def build_id() -> str:
    """Changes with every deployment that can change a page: the static files' manifest, and the newest of the
    code, template and translation files (read once per process: a deployment restarts the processes)."""
    digest = hashlib.sha256()
    manifest = Path(settings.STATIC_ROOT or "") / "staticfiles.json"
    if settings.STATIC_ROOT and manifest.is_file():
        digest.update(manifest.read_bytes())
    package = Path(__file__).resolve().parent.parent
    newest = max((path.stat().st_mtime_ns for path in package.rglob("*")
                  if path.suffix in _BUILD_SUFFIXES and "__pycache__" not in path.parts), default=0)
    digest.update(str(newest).encode())
    return digest.hexdigest()[:16]


def current_minute(now: datetime | None = None) -> str:
    """The current minute, for versions of pages that say "5 minutes ago" or show notices that start and end
    at set times without anyone saving anything: such a page's ETag changes once a minute at most."""
    return (now or timezone.now()).replace(second=0, microsecond=0).isoformat()


def config_generation() -> int:
    """How many times the configuration public pages show has changed (0 before the first change)."""
    from .models import ConfigGeneration

    return ConfigGeneration.objects.filter(pk=1).values_list("value", flat=True).first() or 0


def count_config_change() -> None:
    """Count one configuration change (registered with lib.config_cache.on_change in CoreConfig.ready)."""
    from .models import ConfigGeneration

    now = timezone.now()
    if not ConfigGeneration.objects.filter(pk=1).update(value=F("value") + 1, changed_at=now):
        ConfigGeneration.objects.get_or_create(pk=1, defaults={"value": 1, "changed_at": now})


def _eligible(request) -> bool:
    """Anonymous GET/HEAD with no message waiting: the page is the same for everyone with the same cookies."""
    if request.method not in ("GET", "HEAD"):
        return False
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False
    if request.COOKIES.get(getattr(settings, "MESSAGE_COOKIE_NAME", "messages")):
        return False
    session = getattr(request, "session", None)
    if session is not None and request.COOKIES.get(settings.SESSION_COOKIE_NAME) and session.get("_messages"):
        return False
    return True


def _etag(request, version: PageVersion, csrf_secret: str) -> str:
    parts = [build_id(), str(config_generation()), translation.get_language() or "", request.get_full_path(),
             csrf_secret, request.COOKIES.get(settings.SESSION_COOKIE_NAME, ""), version.key]
    return '"%s"' % hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


def _matches(if_none_match: str, etag: str) -> bool:
    """RFC 9110 weak comparison of an If-None-Match header with our (strong) ETag."""
    if if_none_match.strip() == "*":
        return True
    tags = [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
    return etag in tags


def _headers(response, request, etag: str, version: PageVersion, *, private: bool) -> None:
    response["ETag"] = etag
    if version.changed_at is not None:
        response["Last-Modified"] = http_date(version.changed_at.timestamp())
    response["Cache-Control"] = PRIVATE_CACHE_CONTROL if private else PUBLIC_CACHE_CONTROL
    patch_vary_headers(response, ["Accept-Language", "Cookie"])


def conditional_page(version: Callable[..., PageVersion | None], *, forms: bool = False):
    """Decorate a public view with ETag validation worked out by `version` before rendering (module docstring).

    `forms`: the page has a form with a CSRF token for anonymous visitors (the tracking page's "affects me too"),
    so its validator includes the visitor's CSRF cookie and only the visitor's browser may keep it. Without
    forms the page is the same for every visitor of a language and a shared cache may keep it. (A page that
    turns out to carry a token anyway is marked private and simply never matches: rendered each time.)
    """

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if not _eligible(request):
                return view(request, *args, **kwargs)
            current = version(request, *args, **kwargs)
            if current is None:
                return view(request, *args, **kwargs)
            csrf_cookie = request.COOKIES.get(settings.CSRF_COOKIE_NAME, "") if forms else ""
            if_none_match = request.headers.get("If-None-Match", "")
            if if_none_match:
                etag = _etag(request, current, csrf_cookie)
                if _matches(if_none_match, etag):
                    response = HttpResponseNotModified()
                    _headers(response, request, etag, current, private=forms)
                    return response
            response = view(request, *args, **kwargs)
            if response.status_code != 200 or response.has_header("ETag") or getattr(response, "streaming", False):
                return response
            with_form = bool(request.META.get("CSRF_COOKIE_NEEDS_UPDATE"))
            if with_form and not forms:  # a token where none was expected: never shared, never matched
                response["Cache-Control"] = PRIVATE_CACHE_CONTROL
                return response
            # The secret the page's token was made for: the cookie sent, or the one this response sets.
            secret = request.META.get("CSRF_COOKIE", csrf_cookie) if with_form else csrf_cookie
            _headers(response, request, _etag(request, current, secret or ""), current, private=forms)
            return response

        return wrapper

    return decorator
