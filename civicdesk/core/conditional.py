"""Conditional GET for public pages: an ETag worked out before the page is rendered, a 304 without rendering.

A public page that many people reload (the home page, a tracking page, the notices, the report form's first
step) declares what it is drawn from with a small *version* function: `version(request, **view_kwargs)`
returns a `PageVersion` (a string that changes whenever anything the page shows changes, and the time of that
change) or None (no validator: render as usual, e.g. an unknown tracking number). The decorator
`conditional_page(version)` then:

- builds the ETag from the version, the configuration generation (core.ConfigGeneration: renaming a kind of
  problem or a status changes every page's ETag on every server, within CONFIG_GENERATION_CHECK_SECONDS, as
  the configuration cache the page is rendered from sees it: lib/config_cache.generation()), the language, the visitor's session cookie,
  for pages with forms the visitor's CSRF cookie (the page carries a token made for it), and the build (static
  files, templates, code version), and answers `If-None-Match` with 304 Not Modified without rendering;
- otherwise renders, and sets `ETag`, `Last-Modified` and `Cache-Control`: `public, no-cache` for a page
  without forms (a shared cache may keep it and must ask again, cheaply, each time: never stale), `private,
  no-cache` for a page with a form (its CSRF token is the visitor's: only their own browser may keep it).

Pages are also kept, rendered, by the process that rendered them (`RenderedPages`, bounded by PAGE_STORE_MB):
the next anonymous visitor whose validator comes out the same is sent the same bytes without rendering. The
validator is worked out from everything the page shows, so a kept page is never served after it changed: the
new validator simply finds nothing kept. A page with forms is kept without its CSRF tokens (each a masked copy
of the first visitor's secret, checked as such): every later visitor gets the page with a token of their own,
and the CSRF cookie if they had none, exactly as if it had been rendered for them. Embedded pages
(docs/embed.md) are not kept.

Signed-in users, visitors with a message waiting (a flash message shows once) and other methods than GET and
HEAD are served exactly as before, with no validator. The ETag is the only validator answered: the
Last-Modified date is sent for information (a language change does not change it, so `If-Modified-Since` alone
is not trusted to mean "same page").
"""

from __future__ import annotations

import functools
import hashlib
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db.models import F
from django.http import HttpResponse, HttpResponseNotModified
from django.middleware.csrf import CSRF_TOKEN_LENGTH, _unmask_cipher_token, get_token
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date

from civicdesk.lib import config_cache

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


#: A CSRF token in a rendered form (Django's `{% csrf_token %}` writes exactly this).
_FORM_TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([A-Za-z0-9]{%d})"' % CSRF_TOKEN_LENGTH)


def _token_parts(content: bytes, secret: str) -> list[bytes] | None:
    """`content` cut at each CSRF token in it, or None unless every token found is a masked copy of `secret`
    and nothing else in the page holds the secret (then the page cannot be given to another visitor).
    `_unmask_cipher_token` is Django's own, private, inverse of the masking `{% csrf_token %}` applies: Django
    is pinned in the lock files, and test_conditional.py checks each visitor's token against their secret."""
    tokens = {match.group(1) for match in _FORM_TOKEN.finditer(content)}
    if not tokens or not secret or any(_unmask_cipher_token(token.decode()) != secret for token in tokens):
        return None
    parts = re.split(b"|".join(re.escape(token) for token in tokens), content)
    if any(secret.encode() in part for part in parts):
        return None
    return parts


class RenderedPages:
    """Rendered public pages kept by this process, by validator, newest use last; at most `max_bytes` of bodies.

    Only whole 200 responses are kept, without cookies (a page with forms: the CSRF cookie only, since its
    tokens are taken out): a kept page is the view's answer for that validator, and middleware still runs on
    every copy sent (security headers, compression, the visitor's Vary, the CSRF cookie)."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self.size = 0
        self._pages: OrderedDict[str, tuple[list[bytes], list[tuple[str, str]]]] = OrderedDict()
        self._lock = threading.Lock()  # gunicorn's threads share the process's pages

    def get(self, key: str, token: Callable[[], str] = str) -> HttpResponse | None:
        """A fresh copy of the page kept under `key`, with `token()` where its CSRF tokens were; or None."""
        with self._lock:
            kept = self._pages.get(key)
            if kept is None:
                return None
            self._pages.move_to_end(key)
        parts, headers = kept
        response = HttpResponse(token().encode().join(parts) if len(parts) > 1 else parts[0])
        for name, value in headers:
            response[name] = value
        return response

    def keep(self, key: str, response, *, csrf_secret: str = "") -> None:
        """Keep `response` under `key` if it is a whole page that fits, forgetting the least used ones. With
        `csrf_secret`, the page's forms' tokens (masked copies of that secret) are taken out, and it is not kept
        when they are not all such copies."""
        cookies = set(response.cookies) - ({settings.CSRF_COOKIE_NAME} if csrf_secret else set())
        if self.max_bytes <= 0 or response.status_code != 200 or cookies or getattr(response, "streaming", False):
            return
        content = response.content
        if len(content) > self.max_bytes // 8:
            return
        parts = _token_parts(content, csrf_secret) if csrf_secret else [content]
        if parts is None:
            return
        with self._lock:
            if key in self._pages:
                return
            self._pages[key] = (parts, [(name, value) for name, value in response.items()
                                        if name.lower() not in ("etag", "set-cookie")])
            self.size += len(content)
            while self.size > self.max_bytes:
                _, (dropped, _) = self._pages.popitem(last=False)
                self.size -= sum(len(part) for part in dropped)

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()
            self.size = 0


#: This process's kept pages (PAGE_STORE_MB; 0 keeps none).
rendered_pages = RenderedPages(settings.PAGE_STORE_MB * 1024 * 1024)


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
    generation = getattr(request, "_civicdesk_config_generation", None)
    if generation is None:  # once per request however many validators it works out
        # The count the process's configuration cache was read under (at most once a second per process, not
        # per request: the page is rendered from that cache, so they agree); the row itself when the cache is
        # off or has no count yet.
        generation = config_cache.generation()
        if generation is None:
            generation = config_generation()
        request._civicdesk_config_generation = generation
    parts = [build_id(), str(generation), translation.get_language() or "", request.get_full_path(),
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
            keeping = getattr(request, "civicdesk_embed", None) is None
            # Kept pages are found by the validator without the visitor's CSRF secret (none without forms).
            key = _etag(request, current, "") if keeping else ""
            if keeping:
                kept = rendered_pages.get(key, functools.partial(get_token, request))
                if kept is not None:
                    secret = request.META.get("CSRF_COOKIE", "") if forms else ""
                    kept["ETag"] = _etag(request, current, secret)
                    return kept
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
            if keeping:
                rendered_pages.keep(key, response, csrf_secret=(secret or "") if forms and with_form else "")
            return response

        return wrapper

    return decorator
