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
from collections import Counter

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

    Every counter is bumped by one statement, ``INSERT … VALUES (one row per limit) ON CONFLICT (key,
    window_start) DO UPDATE SET count = count + cost RETURNING key, count`` (PostgreSQL and SQLite
    3.35+), which opens each window or locks and counts its row in one step. The rows are written in key
    order, so two app servers counting the same keys always lock them in the same order and can never deadlock
    (one waits for the other). When a counter comes back over its limit, the same transaction takes the use
    back from every counter before raising, so a refused attempt uses up nothing; the rows stay locked until
    that transaction ends, so nobody counts against the briefly higher figures. Inside a caller's transaction
    (a report being saved) that is one statement, with no savepoint; alone, one short transaction. Limits with
    `limit <= 0` are switched off and neither checked nor counted.
    """
    now = now or clock()
    active = sorted((lim for lim in limits if lim.limit > 0), key=lambda lim: lim.key[:200])
    if not active or not getattr(settings, "RATE_LIMITS_ENABLED", True):
        return
    windows = [(lim.key[:200], lim.window_start(now), lim.seconds) for lim in active]
    refused = None
    with transaction.atomic(savepoint=False):  # the caller's transaction, if any; nothing raised inside it
        counts = _count_each(windows, cost)
        for lim, (_, start, seconds), count in zip(active, windows, counts, strict=True):
            if count > lim.limit:
                _take_back(windows, cost)
                end = start + dt.timedelta(seconds=seconds)
                refused = (lim, max(1, math.ceil((end - now).total_seconds())))
                break
    if refused is not None:
        raise RateLimited(str(message or DEFAULT_MESSAGE), limit=refused[0], retry_after=refused[1])


def _count_each(windows: list[tuple[str, dt.datetime, int]], cost: int) -> list[int]:
    """`_count` in one statement, or one per window when a key comes twice (two limits of one key: a statement
    may not update a row twice, and the counts are told apart by key)."""
    if len({key for key, _, _ in windows}) == len(windows):
        return _count(windows, cost)
    return [count for window in windows for count in _count([window], cost)]


def _take_back(windows: list[tuple[str, dt.datetime, int]], cost: int) -> None:
    """Take `cost` back from each counter just counted (their rows exist and are locked by this transaction);
    a window counted twice (two limits alike) gets both back."""
    table = connection.ops.quote_name(RateCounter._meta.db_table)
    key_col, start_col, count_col = (connection.ops.quote_name(RateCounter._meta.get_field(name).column)
                                     for name in ("key", "window_start", "count"))
    sql = f"UPDATE {table} SET {count_col} = {count_col} - %s WHERE {key_col} = %s AND {start_col} = %s"
    with connection.cursor() as cursor:
        for (key, start), times in Counter((key, start) for key, start, _ in windows).items():
            cursor.execute(sql, [cost * times, key, connection.ops.adapt_datetimefield_value(start)])


def _count(windows: list[tuple[str, dt.datetime, int]], cost: int) -> list[int]:
    """Add `cost` to the counter of each (key, window start, window seconds), opening a window at `cost`, in one
    statement; returns the new counts in the order given. The keys must differ."""
    table = connection.ops.quote_name(RateCounter._meta.db_table)
    key_col, start_col, seconds_col, count_col = (
        connection.ops.quote_name(RateCounter._meta.get_field(name).column)
        for name in ("key", "window_start", "window_seconds", "count"))
    sql = (f"INSERT INTO {table} ({key_col}, {start_col}, {seconds_col}, {count_col}) VALUES "
           + ", ".join(["(%s, %s, %s, %s)"] * len(windows))
           + f" ON CONFLICT ({key_col}, {start_col}) DO UPDATE SET {count_col} = {table}.{count_col} + %s "
           f"RETURNING {key_col}, {count_col}")
    params = [value for key, start, seconds in windows
              for value in (key, connection.ops.adapt_datetimefield_value(start), seconds, cost)]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, cost])
        counted = dict(cursor.fetchall())  # the databases return the rows in no set order
    return [counted[key] for key, _, _ in windows]


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
