"""Load shedding: above capacity, answer 503 with Retry-After at once instead of letting requests time out.

Three ways a request is turned away, all answered the same way (a 503 with a
`Retry-After` header; Open311 calls get an Open311 error document in their
format, everyone else a short page):

1. **Too many requests in flight in this process.** Each app server process
   (a gunicorn worker with threads) serves at most `OVERLOAD_MAX_IN_FLIGHT`
   requests at once (default: all but a quarter of `WEB_THREADS`, 6 of 8
   threads); a request arriving when all are taken is refused without
   waiting. A streamed response counts until the server closed it, and
   each connection once (`InFlight`). Gunicorn runs more threads than that
   (`WEB_THREADS`), so a thread is always free to refuse quickly, and the
   accepted requests never queue behind a growing backlog.
2. **Queued too long before it reached us.** Behind a reverse proxy that stamps
   `X-Request-Start` (nginx: `proxy_set_header X-Request-Start "t=${msec}";`),
   a request that waited longer than `OVERLOAD_MAX_QUEUE_SECONDS` is refused:
   its client has most likely given up, and serving it would only make the
   next ones late too.
3. **The database is busy.** A write that could not get SQLite's lock within
   the busy timeout, or a PostgreSQL error that means "try again" (lock or
   statement timeout, too many connections, serialization failure, deadlock,
   server shutting down), becomes a 503 rather than a 500. Only errors raised
   by views are seen here (Django turns errors inside other middleware into
   500s before they reach us).

`/healthz` and static files are never shed: a load balancer must still see the
server alive, and the busy page needs its stylesheet.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable

from django.conf import settings
from django.db.utils import OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext

log = logging.getLogger(__name__)

#: PostgreSQL SQLSTATEs that mean "the server is busy or restarting: the same call may well work later".
RETRYABLE_SQLSTATES = {
    "40001",  # serialization_failure
    "40P01",  # deadlock_detected
    "53300",  # too_many_connections
    "55P03",  # lock_not_available (lock_timeout)
    "57014",  # query_canceled (statement_timeout)
    "57P01",  # admin_shutdown
    "57P03",  # cannot_connect_now (starting up or shutting down)
}


def is_busy_database_error(exc: BaseException) -> bool:
    """True when `exc` says the database was too busy (locked, timed out, out of connections), not broken.

    SQLite reports a write lock not obtained within the busy timeout as
    "database is locked"; PostgreSQL errors are recognised by their SQLSTATE.
    Anything else (a missing table, bad SQL) is a bug and stays a 500.
    """
    if not isinstance(exc, OperationalError):
        return False
    message = str(exc).lower()
    if "database is locked" in message or "database table is locked" in message:
        return True
    sqlstate = getattr(exc.__cause__, "sqlstate", None) or getattr(exc, "sqlstate", None)
    return sqlstate in RETRYABLE_SQLSTATES


def queued_seconds(header: str, now: float | None = None) -> float | None:
    """Seconds since a proxy's `X-Request-Start` stamp, or None when the header is absent or unreadable.

    Accepts `t=<seconds>` with a fraction (nginx's `${msec}`), and whole
    milliseconds or microseconds since the epoch (other proxies), with or
    without the `t=` prefix.
    """
    raw = header.strip().removeprefix("t=")
    try:
        stamp = float(raw)
    except ValueError:
        return None
    if stamp > 1e14:  # microseconds
        stamp /= 1_000_000
    elif stamp > 1e11:  # milliseconds
        stamp /= 1000
    if stamp <= 0:
        return None
    return max(0.0, (time.time() if now is None else now) - stamp)


def retry_after_seconds() -> int:
    """Seconds a client should wait: OVERLOAD_RETRY_AFTER, spread up to twice that so refused clients
    do not all come back in the same second."""
    base = max(1, settings.OVERLOAD_RETRY_AFTER)
    return base + random.randint(0, base)


def busy_response(request: HttpRequest, reason: str) -> HttpResponse:
    """The 503 for `request`: an Open311 error document under /open311/, else a short page; with Retry-After."""
    retry_after = retry_after_seconds()
    headers = {"Retry-After": str(retry_after), "Cache-Control": "no-store"}
    # This runs before LocaleMiddleware: pick the visitor's language here so the message is in it.
    with translation.override(translation.get_language_from_request(request)):
        if request.path.startswith("/open311/"):
            from civicdesk.open311.renderers import FORMATS, render_errors

            last = request.path.rsplit("/", 1)[-1]
            fmt = last.rsplit(".", 1)[-1] if "." in last else "xml"
            message = gettext("The service is busy. Try again in %d seconds.") % retry_after
            response = render_errors(fmt if fmt in FORMATS else "xml", 503, [(503, message)], headers=headers)
        else:
            body = render_to_string("core/busy.html", {"retry_after": retry_after,
                                                      "not_started": reason != "database"})
            response = HttpResponse(body, status=503, content_type="text/html; charset=utf-8", headers=headers)
    # Says which limit was hit, for logs and load tests; it tells a client nothing it could misuse.
    response["X-Shed-Reason"] = reason
    return response


class InFlight:
    """The connections this process is serving a request on now, at most `capacity` of them.

    A request counts from the moment it is admitted until its body has been
    produced: when the view returns, or for a streamed body (files, exports,
    produced while the server sends it) until the server closes the response.
    It counts by connection: a keep-alive client's next request can reach
    another thread in the instant between the last byte of a streamed answer
    and that answer's close; it belongs to a connection already counted, so
    it is admitted and counted once, not refused as one request too many.
    Outside gunicorn (no `gunicorn.socket` in the WSGI environ) each request
    is its own key.
    """

    def __init__(self, capacity: int):
        self.capacity = capacity
        self._lock = threading.Lock()
        self._active: dict[object, int] = {}

    def admit(self, key: object) -> bool:
        """Count a request on connection `key` in; False (nothing counted) when `capacity` are busy."""
        with self._lock:
            if key in self._active:
                self._active[key] += 1
                return True
            if len(self._active) >= self.capacity:
                return False
            self._active[key] = 1
            return True

    def leave(self, key: object) -> None:
        """Count one request on connection `key` out (its response was closed)."""
        with self._lock:
            remaining = self._active.get(key, 0) - 1
            if remaining > 0:
                self._active[key] = remaining
            else:
                self._active.pop(key, None)

    def __len__(self) -> int:
        with self._lock:
            return len(self._active)


class LoadSheddingMiddleware:
    """Refuse work this process cannot take now with a fast 503 + Retry-After (see the module docstring).

    Put it first in MIDDLEWARE so a refused request costs almost nothing.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.capacity = settings.OVERLOAD_MAX_IN_FLIGHT
        self.in_flight = InFlight(self.capacity) if self.capacity > 0 else None
        self.max_queue = settings.OVERLOAD_MAX_QUEUE_SECONDS
        self.exempt = ("/healthz", settings.STATIC_URL)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(self.exempt):
            return self.get_response(request)
        if self.max_queue > 0:
            waited = queued_seconds(request.META.get("HTTP_X_REQUEST_START", ""))
            if waited is not None and waited > self.max_queue:
                log.warning("shed %s %s: queued %.1f s before reaching the app", request.method, request.path, waited)
                return busy_response(request, "queued")
        if self.in_flight is None:
            return self.get_response(request)
        key = request.META.get("gunicorn.socket") or object()
        if not self.in_flight.admit(key):
            log.warning("shed %s %s: %d requests already in flight", request.method, request.path, self.capacity)
            return busy_response(request, "capacity")
        try:
            response = self.get_response(request)
        except BaseException:
            self.in_flight.leave(key)
            raise
        # A streamed body (a file, an export) is produced while the server sends it: the request counts until
        # the server closes the response. Any other body is complete now, and the request is counted out
        # before its first byte leaves: counting it until close would refuse a client's next request that
        # arrives, on a new connection, in the instant between the last byte and the close.
        closers = getattr(response, "_resource_closers", None)
        if getattr(response, "streaming", False) and closers is not None:
            closers.append(lambda: self.in_flight.leave(key))
        else:
            self.in_flight.leave(key)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_busy_database_error(exception):
            return None
        log.warning("shed %s %s: database busy: %s", request.method, request.path, exception)
        return busy_response(request, "database")
