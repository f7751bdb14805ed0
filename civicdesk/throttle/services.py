"""Rate limits shared by every process: fixed windows counted in the database.

Every action that costs the city something (a text message, an email to an
address someone typed, a vote that moves a request up a queue) checks one or
more `Limit`s before it happens::

    from civicdesk.throttle.services import Limit, check

    check(
        Limit(f"sms:dest:{number}", 3, 3600),        # per target
        Limit(f"sms:client:{client_ip(request)}", 10, 3600),  # per client
        Limit("sms:global", 500, 3600),              # overall budget
        message=_("Too many codes have been sent to this number. Try again in an hour."),
    )

`check()` raises `RateLimited` (with the first limit that was exceeded, a
resident-readable message and the seconds to wait) and counts nothing when
any limit is already full, so a refused attempt does not use up the others.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import ipaddress
import math

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicdesk.throttle.models import RateCounter


@dataclasses.dataclass(frozen=True)
class Limit:
    """At most `limit` uses of `key` in each window of `seconds` (windows aligned to the epoch)."""

    key: str
    limit: int
    seconds: int

    def window_start(self, now: dt.datetime) -> dt.datetime:
        """The start of the window that holds `now`."""
        epoch = int(now.timestamp())
        return dt.datetime.fromtimestamp(epoch - epoch % self.seconds, tz=dt.timezone.utc)


class RateLimited(Exception):
    """An action was refused because `limit` is full; `retry_after` is the whole seconds to wait."""

    def __init__(self, message: str, *, limit: Limit, retry_after: int):
        super().__init__(message)
        self.message = message
        self.limit = limit
        self.retry_after = retry_after


def clock() -> dt.datetime:
    """The limiter's clock: now. Code that works out a window itself (`sms_limits`) reads the same clock."""
    return timezone.now()


DEFAULT_MESSAGE = _("You have tried this too many times. Please wait a while and try again.")


def usage(limit: Limit, *, now: dt.datetime | None = None) -> int:
    """How many times `limit.key` was counted in the current window (0 when never)."""
    now = now or clock()
    row = RateCounter.objects.filter(key=limit.key[:200], window_start=limit.window_start(now)).values_list(
        "count", flat=True).first()
    return row or 0


def check(*limits: Limit, message: str | None = None, now: dt.datetime | None = None, cost: int = 1) -> None:
    """Count one use against every limit, or raise `RateLimited` and count nothing.

    Each counter is bumped by one statement, ``INSERT … ON CONFLICT (key, window_start) DO UPDATE SET count =
    count + cost RETURNING count`` (PostgreSQL and SQLite 3.35+), which opens the window or locks and counts the
    existing row in one step; the limits are taken in key order, so two app servers counting the same keys
    always lock them in the same order and can never deadlock (one waits for the other). When a counter comes
    back over its limit the whole transaction rolls back, so a refused attempt uses up nothing. Limits with
    `limit <= 0` are switched off and neither checked nor counted.
    """
    now = now or clock()
    active = sorted((lim for lim in limits if lim.limit > 0), key=lambda lim: lim.key[:200])
    if not active or not getattr(settings, "RATE_LIMITS_ENABLED", True):
        return
    try:
        with transaction.atomic():
            for lim in active:
                start = lim.window_start(now)
                if _count(lim.key[:200], start, lim.seconds, cost) > lim.limit:
                    end = start + dt.timedelta(seconds=lim.seconds)
                    retry = max(1, math.ceil((end - now).total_seconds()))
                    raise _Refused(lim, retry)
    except _Refused as refused:
        raise RateLimited(str(message or DEFAULT_MESSAGE), limit=refused.limit,
                          retry_after=refused.retry_after) from None


class _Refused(Exception):
    """Raised inside the counting transaction so that it rolls back; turned into RateLimited outside it."""

    def __init__(self, limit: Limit, retry_after: int):
        super().__init__(limit.key)
        self.limit = limit
        self.retry_after = retry_after


def _count(key: str, start: dt.datetime, seconds: int, cost: int) -> int:
    """Add `cost` to the counter of `key` in the window from `start` (opening it at `cost`); returns the new count."""
    table = connection.ops.quote_name(RateCounter._meta.db_table)
    key_col, start_col, seconds_col, count_col = (
        connection.ops.quote_name(RateCounter._meta.get_field(name).column)
        for name in ("key", "window_start", "window_seconds", "count"))
    sql = (f"INSERT INTO {table} ({key_col}, {start_col}, {seconds_col}, {count_col}) VALUES (%s, %s, %s, %s) "
           f"ON CONFLICT ({key_col}, {start_col}) DO UPDATE SET {count_col} = {table}.{count_col} + %s "
           f"RETURNING {count_col}")
    with connection.cursor() as cursor:
        cursor.execute(sql, [key, connection.ops.adapt_datetimefield_value(start), seconds, cost, cost])
        return cursor.fetchone()[0]


def purge_expired(*, now: dt.datetime | None = None) -> int:
    """Delete windows that have closed; returns how many rows went. Safe to run from any periodic job."""
    now = now or clock()
    longest = getattr(settings, "RATE_LIMIT_LONGEST_WINDOW_SECONDS", 7 * 24 * 3600)
    deleted, _ = RateCounter.objects.filter(window_start__lt=now - dt.timedelta(seconds=longest)).delete()
    return deleted


def client_ip(request) -> str:
    """The address of the client behind `request`, as rate limits should count it.

    With ``TRUSTED_PROXY_COUNT`` = N (the number of reverse proxies in front of
    the app servers, 0 by default) the Nth address from the right of
    X-Forwarded-For is used, so a client cannot pick its own address by sending
    the header itself. IPv6 clients are counted per /64, the block one
    household or phone usually gets. Returns "unknown" when nothing usable is there.
    """
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    addr = request.META.get("REMOTE_ADDR", "")
    if proxies:
        hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
        if len(hops) >= proxies:
            addr = hops[-proxies]
    try:
        ip = ipaddress.ip_address(addr)
    except ValueError:
        return "unknown"
    if ip.version == 6:
        if ip.ipv4_mapped:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False).network_address) + "/64"
    return str(ip)
