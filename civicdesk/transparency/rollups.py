"""Keeping the roll-up tables current, and reading them: the one place other code gets dashboard numbers from.

Writing. Every request has a "last counted state" (`CountedRequest`): the dimensions and facts it contributes
to `DailyCount`. `sync_rollups()` looks at the requests that may have changed, computes each one's state
again from the requests table and, where it differs, applies old contribution minus and new contribution
plus to `DailyCount` in the same transaction as the new state. Applying a request twice changes nothing, so
the job may look at the same request many times: it re-reads every request inserted (by id) or updated (by
`updated_at`) since OVERLAP before its previous run, which covers transactions that committed late, bulk
loads whose `updated_at` is historical (their ids are new), and several workers running it at once (a lock
on the RollupState row serialises them). Service types whose privacy changed are counted again in full;
deleted requests are taken away by receivers.py inside the deleting transaction. `rebuild_rollups()`
recomputes everything from the requests table. Why not in the writing transaction: see docs/dashboards.md.

Reading (for dashboards, reports, insights): `Scope` names the filter, and `totals()`, `totals_by_day()`,
`totals_by_service_type()` and `backlog()` answer from DailyCount alone; `Totals` turns the sums into the
published statistics (median and 90th-percentile days to close, SLA share, reopen rate).
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
import zoneinfo
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, Max, OuterRef, Q, Sum
from django.utils import timezone

from civicdesk.catalog.models import ServiceType, Status
from civicdesk.servicerequests.models import ServiceRequest, TimelineEntry

from .models import (BUCKETS, HOUR_EDGES, KEYS, MEASURES, TYPE_KEY_POSITIONS, TYPE_KEYS, CountedRequest, DailyCount,
                     DailyTypeCount, RollupState)

#: How far back each sync looks again (by `updated_at`, and by id through the id marks). A transaction
#: open longer than this that changes a request without bumping `updated_at` later is the one case
#: only `rebuild_rollups` repairs.
OVERLAP = dt.timedelta(minutes=15)
#: Requests handled per transaction by the sync job.
CHUNK = 2000

#: Other roll-ups kept current by this same job and its change tracking (registered from a later app's
#: AppConfig.ready(), e.g. the public map's per-cell counts). Each follower has `recount(ids)` (called inside
#: recount()'s transaction with the same ids, including ids of deleted requests), `forget(ids)`, `rebuild()`
#: (inside rebuild_rollups()'s transaction), `stale_type_ids()` (service types whose requests must all be
#: looked at again this sync), `needs_rebuild()` and `synced()` (inside the sync's closing transaction).
FOLLOWERS: list = []


def follow(follower) -> None:
    """Have the sync job, the delete receiver and the rebuild keep `follower` current too (idempotent)."""
    if all(type(known) is not type(follower) for known in FOLLOWERS):
        FOLLOWERS.append(follower)

_M = {name: index for index, name in enumerate(MEASURES)}
_H0 = _M["h00"]
REQUEST_FIELDS = ("id", "jurisdiction_id", "department_id", "service_type_id", "district_id", "requested_at",
                  "is_open", "closed_at", "expected_at", "is_private", "service_type__is_private")
STATE_FIELDS = ("counted", "jurisdiction_key", "department_key", "service_type_key", "district_key",
                "received_day", "is_open", "closed_day", "close_bucket", "sla", "reopen_days")
NOT_COUNTED = (False, 0, 0, 0, 0, None, False, None, None, 0, "")


def local_tz() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def close_bucket(hours: float) -> int:
    """The histogram bucket of a time to close in hours (see models.HOUR_EDGES); negative counts as 0."""
    return bisect.bisect_right(HOUR_EDGES, max(0.0, hours))


def request_state(row: Sequence, reopened_at: Iterable[dt.datetime], tz: dt.tzinfo) -> tuple:
    """The counted state (STATE_FIELDS order) of one request row (REQUEST_FIELDS order).

    Private requests, and requests of private service types, are not counted (NOT_COUNTED). A request is
    closed when it is not open and has a `closed_at`. The SLA is met when `closed_at <= expected_at`.
    """
    (_pk, jurisdiction, department, service_type, district, requested_at, is_open, closed_at, expected_at,
     is_private, type_private) = row
    if is_private or type_private:
        return NOT_COUNTED
    closed = not is_open and closed_at is not None
    bucket = close_bucket((closed_at - requested_at).total_seconds() / 3600) if closed else None
    sla = 0 if not closed or expected_at is None else (1 if closed_at <= expected_at else 2)
    reopen_days = ",".join(sorted(when.astimezone(tz).date().isoformat() for when in reopened_at))
    return (True, jurisdiction, department or 0, service_type, district or 0, requested_at.astimezone(tz).date(),
            bool(is_open), closed_at.astimezone(tz).date() if closed else None, bucket, sla, reopen_days)


def add_contribution(totals: dict, state: tuple, sign: int) -> None:
    """Add (sign=1) or take away (sign=-1) what a counted state contributes, into {key: measure list}."""
    (counted, jurisdiction, department, service_type, district, received_day, is_open, closed_day, bucket, sla,
     reopen_days) = state
    if not counted:
        return

    def row(day) -> list[int]:
        key = (day, jurisdiction, department, service_type, district)
        found = totals.get(key)
        if found is None:
            found = totals[key] = [0] * len(MEASURES)
        return found

    received = row(received_day)
    received[0] += sign
    if is_open:
        received[_M["open_now"]] += sign
    if closed_day is not None:
        closed = row(closed_day)
        closed[_M["closed"]] += sign
        closed[_H0 + bucket] += sign
        if sla:
            closed[_M["closed_with_sla"]] += sign
            if sla == 1:
                closed[_M["closed_within_sla"]] += sign
    for text in filter(None, reopen_days.split(",")):
        row(dt.date.fromisoformat(text))[_M["reopened"]] += sign


_UTC_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
_TIMES = ("requested_at", "closed_at", "expected_at")


def _request_rows(requests) -> Iterable[tuple]:
    """The REQUEST_FIELDS rows of a ServiceRequest queryset, streamed.

    On PostgreSQL the three timestamps are read as whole microseconds since the epoch (bigint, parsed in C)
    and turned back into the same aware datetimes here: Django's timestamp loader is pure Python and was
    most of the rebuild's time.
    """
    if connection.vendor != "postgresql":
        yield from requests.values_list(*REQUEST_FIELDS).order_by().iterator(chunk_size=20_000)
        return
    from django.db.models import BigIntegerField, F, Func

    micro = {f"{name}_us": Func(F(name), template="(EXTRACT(EPOCH FROM %(expressions)s) * 1000000)::bigint",
                                output_field=BigIntegerField()) for name in _TIMES}
    names = [f"{name}_us" if name in _TIMES else name for name in REQUEST_FIELDS]
    positions = [index for index, name in enumerate(REQUEST_FIELDS) if name in _TIMES]
    epoch, delta = _UTC_EPOCH, dt.timedelta
    for row in requests.annotate(**micro).values_list(*names).order_by().iterator(chunk_size=20_000):
        row = list(row)
        for index in positions:
            if row[index] is not None:
                row[index] = epoch + delta(microseconds=row[index])
        yield tuple(row)


def _reopenings(ids: Sequence[int] | None = None) -> dict[int, list[dt.datetime]]:
    """{request id: times it was reopened}: STATUS entries from a closed status kind to an open one."""
    entries = TimelineEntry.objects.filter(kind=TimelineEntry.Kind.STATUS, status_from__kind=Status.Kind.CLOSED,
                                           status_to__kind=Status.Kind.OPEN)
    if ids is not None:
        entries = entries.filter(request_id__in=ids)
    found: dict[int, list[dt.datetime]] = defaultdict(list)
    for request_id, created_at in entries.values_list("request_id", "created_at").order_by():
        found[request_id].append(created_at)
    return found


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def by_type(totals: dict) -> dict:
    """{DailyCount key: measures} summed into {DailyTypeCount key: measures}."""
    coarse: dict = {}
    for key, values in totals.items():
        short = tuple(key[i] for i in TYPE_KEY_POSITIONS)
        found = coarse.get(short)
        if found is None:
            coarse[short] = list(values)
        else:
            for index, value in enumerate(values):
                found[index] += value
    return coarse


def _apply(totals: dict) -> None:
    """Add the measure deltas into DailyCount and DailyTypeCount, then drop the rows of the touched days
    left with nothing in them."""
    _apply_to(DailyCount, KEYS, totals)
    _apply_to(DailyTypeCount, TYPE_KEYS, by_type(totals))


def _apply_to(model, keys: tuple[str, ...], totals: dict) -> None:
    """INSERT … ON CONFLICT DO UPDATE SET n = n + excluded.n (SQLite ≥ 3.24 and PostgreSQL alike)."""
    rows = [key + tuple(values) for key, values in totals.items() if any(values)]
    if not rows:
        return
    table = _table(model)
    columns = ", ".join(keys + MEASURES)
    updates = ", ".join(f"{m} = {table}.{m} + excluded.{m}" for m in MEASURES)
    sql = (f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * (len(keys) + len(MEASURES)))}) "
           f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {updates}")
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
    days = sorted({row[0] for row in rows})
    model.objects.filter(day__in=days, received=0, closed=0, reopened=0, open_now=0).delete()


def _lock_state() -> RollupState:
    """The RollupState row, locked until the transaction ends (created when missing)."""
    RollupState.objects.get_or_create(pk=1)
    return RollupState.objects.select_for_update().get(pk=1)


def recount(ids: Sequence[int]) -> int:
    """Bring the counted state of these requests up to date, in one transaction; returns how many changed.

    Ids of requests that no longer exist have their contribution taken away.
    """
    tz = local_tz()
    with transaction.atomic():
        _lock_state()
        rows = list(_request_rows(ServiceRequest.objects.filter(pk__in=ids)))
        reopens = _reopenings(ids)
        old = {row[0]: tuple(row[1:]) for row in
               CountedRequest.objects.filter(request_id__in=ids).values_list("request_id", *STATE_FIELDS)}
        totals: dict = {}
        changed = []
        for row in rows:
            state = request_state(row, reopens.get(row[0], ()), tz)
            before = old.pop(row[0], None)
            if before == state:
                continue
            if before is not None:
                add_contribution(totals, before, -1)
            add_contribution(totals, state, 1)
            changed.append(CountedRequest(row[0], *state))
        for gone, before in old.items():
            add_contribution(totals, before, -1)
        if old:
            CountedRequest.objects.filter(request_id__in=list(old)).delete()
        if changed:
            CountedRequest.objects.bulk_create(changed, update_conflicts=True, unique_fields=["request_id"],
                                               update_fields=list(STATE_FIELDS))
        _apply(totals)
        for follower in FOLLOWERS:
            follower.recount(ids)
    return len(changed) + len(old)


def forget(request_ids: Sequence[int]) -> None:
    """Take deleted requests out of the counts (called inside the deleting transaction)."""
    with transaction.atomic():
        _lock_state()
        totals: dict = {}
        for row in CountedRequest.objects.filter(request_id__in=request_ids).values_list(*STATE_FIELDS):
            add_contribution(totals, tuple(row), -1)
        CountedRequest.objects.filter(request_id__in=request_ids).delete()
        _apply(totals)
        for follower in FOLLOWERS:
            follower.forget(request_ids)


def _id_floor(marks: list, now: dt.datetime) -> int:
    """The highest request id of the newest mark at least OVERLAP old (0 without one)."""
    old = [mark for mark in marks if dt.datetime.fromisoformat(mark[0]) <= now - OVERLAP]
    return max(old, key=lambda mark: mark[0])[1] if old else 0


@dataclass
class SyncResult:
    looked_at: int = 0
    changed: int = 0
    rebuilt: bool = False


def _keyset(queryset, handle: Callable[[list[int]], None]) -> int:
    """Call `handle` with the ids of `queryset`, CHUNK at a time in id order; returns how many."""
    last, seen = 0, 0
    while True:
        ids = list(queryset.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:CHUNK])
        if not ids:
            return seen
        handle(ids)
        seen += len(ids)
        last = ids[-1]


def _keyset_by_time(since: dt.datetime, handle: Callable[[list[int]], None]) -> int:
    """Call `handle` with the ids of the requests updated at or after `since`, CHUNK at a time, walking the
    `updated_at` index in (updated_at, id) order (ordering by id alone makes SQLite scan the whole table)."""
    requests = ServiceRequest.objects.order_by()
    at, last, seen = since, -1, 0
    while True:
        rows = list(requests.filter(updated_at=at, pk__gt=last).order_by("pk").values_list("updated_at", "pk")[:CHUNK])
        if len(rows) < CHUNK:
            rows += list(requests.filter(updated_at__gt=at).order_by("updated_at", "pk")
                         .values_list("updated_at", "pk")[:CHUNK - len(rows)])
        if not rows:
            return seen
        handle([pk for _, pk in rows])
        seen += len(rows)
        at, last = rows[-1]


def sync_rollups(*, now: dt.datetime | None = None) -> SyncResult:
    """Bring the roll-ups up to date with every request change since the previous sync (see the module doc).

    Safe to run twice and concurrently (idempotent deltas, serialised by the RollupState lock). The first
    run on a database without roll-ups rebuilds them instead.
    """
    started = now or timezone.now()
    state = RollupState.objects.filter(pk=1).first()
    if state is None or state.changed_since is None:
        rebuild_rollups()
        return SyncResult(rebuilt=True)
    top = ServiceRequest.objects.aggregate(top=Max("pk"))["top"] or 0
    private_now = set(ServiceType.objects.filter(is_private=True).values_list("pk", flat=True))
    flipped = private_now ^ set(state.private_types)
    for follower in FOLLOWERS:
        if follower.needs_rebuild():
            with transaction.atomic():
                _lock_state()
                follower.rebuild()
        flipped |= follower.stale_type_ids()
    result = SyncResult()

    def handle(ids: list[int]) -> None:
        result.changed += recount(ids)

    floor = _id_floor(state.id_marks, started)
    not_counted = ~Exists(CountedRequest.objects.filter(request_id=OuterRef("pk")))
    result.looked_at += _keyset(ServiceRequest.objects.filter(not_counted, pk__gt=floor), handle)
    result.looked_at += _keyset_by_time(state.changed_since - OVERLAP, handle)
    if flipped:
        result.looked_at += _keyset(ServiceRequest.objects.filter(service_type_id__in=flipped), handle)
    with transaction.atomic():
        state = _lock_state()
        marks = [mark for mark in state.id_marks if dt.datetime.fromisoformat(mark[0]) > started - OVERLAP]
        older = [mark for mark in state.id_marks if mark not in marks]
        if older:
            marks.insert(0, max(older, key=lambda mark: mark[0]))
        state.id_marks = marks + [[started.isoformat(), top]]
        state.changed_since = max(started, state.changed_since)
        state.private_types = sorted(private_now)
        state.synced_at = timezone.now()
        state.save()
        for follower in FOLLOWERS:
            follower.synced()
    return result


@dataclass
class RebuildResult:
    requests: int = 0
    rows: int = 0
    seconds: float = 0.0


def rebuild_rollups(*, batch: int = 20_000, on_batch: Callable[[int], None] | None = None) -> RebuildResult:
    """Recompute CountedRequest and DailyCount from the requests table, in one transaction.

    Readers see the old counts until it commits. Changes made meanwhile carry an `updated_at` (or an id)
    the next sync_rollups() looks at, since the watermarks are set to this rebuild's start.
    """
    import time

    clock = time.monotonic()
    tz = local_tz()
    started = timezone.now()
    result = RebuildResult()
    with transaction.atomic():
        state = _lock_state()
        top = ServiceRequest.objects.aggregate(top=Max("pk"))["top"] or 0
        private_now = sorted(ServiceType.objects.filter(is_private=True).values_list("pk", flat=True))
        with connection.cursor() as cursor:
            # The dashboard tables are emptied with DELETE so that PostgreSQL readers keep seeing the old
            # counts until this commits (TRUNCATE would block them); CountedRequest, read only by the sync
            # and the delete receiver (which wait for the RollupState lock anyway), is truncated for speed.
            for model in (CountedRequest, DailyCount, DailyTypeCount):
                if connection.vendor == "postgresql" and model is CountedRequest:
                    cursor.execute(f"TRUNCATE {_table(model)}")
                else:
                    cursor.execute(f"DELETE FROM {_table(model)}")
        reopens = _reopenings()
        totals: dict = {}
        buffer: list[tuple] = []
        for row in _request_rows(ServiceRequest.objects.filter(pk__lte=top)):
            state_row = request_state(row, reopens.get(row[0], ()), tz)
            add_contribution(totals, state_row, 1)
            buffer.append((row[0], *state_row))
            if len(buffer) >= batch:
                _write_states(buffer)
                result.requests += len(buffer)
                buffer = []
                if on_batch:
                    on_batch(result.requests)
        _write_states(buffer)
        result.requests += len(buffer)
        rows_out = [key + tuple(values) for key, values in totals.items() if any(values)]
        _write(DailyCount, KEYS + MEASURES, rows_out)
        _write(DailyTypeCount, TYPE_KEYS + MEASURES,
               [key + tuple(values) for key, values in by_type(totals).items() if any(values)])
        result.rows = len(rows_out)
        state.changed_since = started
        # Usable as the id floor at once (dated OVERLAP back): otherwise every sync of the next quarter hour
        # would look again at every request. Rows of a bulk load committed during the rebuild with ids below
        # `top` and a historical `updated_at` are the one thing this misses: rebuild after such a load.
        state.id_marks = [[(started - OVERLAP).isoformat(), top]]
        state.private_types = private_now
        state.synced_at = state.rebuilt_at = timezone.now()
        state.save()
        for follower in FOLLOWERS:
            follower.rebuild()
    result.seconds = time.monotonic() - clock
    return result


def _write_states(rows: list[tuple]) -> None:
    _write(CountedRequest, ("request_id",) + STATE_FIELDS, rows)


def _write(model, columns: Sequence[str], rows: list[tuple]) -> None:
    """Insert plain rows: COPY on PostgreSQL, executemany on SQLite."""
    if not rows:
        return
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {_table(model)} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.executemany(f"INSERT INTO {_table(model)} ({names}) VALUES ({', '.join(['%s'] * len(columns))})",
                               rows)


# --- Reading ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """Which public requests to count: None means every one (city-wide)."""

    jurisdiction_id: int | None = None
    department_id: int | None = None
    service_type_id: int | None = None
    district_id: int | None = None

    def table(self):
        """The smallest roll-up table that can answer this scope."""
        return DailyCount if self.department_id is not None or self.district_id is not None else DailyTypeCount

    def rows(self):
        """The roll-up rows of this scope (of `table()`)."""
        return self.table().objects.filter(self.q())

    def q(self) -> Q:
        where = Q()
        for name, value in (("jurisdiction_key", self.jurisdiction_id), ("department_key", self.department_id),
                            ("service_type_key", self.service_type_id), ("district_key", self.district_id)):
            if value is not None:
                where &= Q(**{name: value})
        return where


@dataclass
class Totals:
    """Summed measures (models.MEASURES) over some days and a scope, and the statistics read from them."""

    values: dict[str, int] = field(default_factory=lambda: dict.fromkeys(MEASURES, 0))

    def __getattr__(self, name: str) -> int:
        try:
            return self.__dict__["values"][name]
        except KeyError:
            raise AttributeError(name) from None

    @property
    def histogram(self) -> list[int]:
        return [self.values[f"h{i:02d}"] for i in range(BUCKETS)]

    def percentile_hours(self, pct: float) -> float | None:
        """The upper bound (hours) of the histogram bucket holding the nearest-rank `pct` percentile of the
        times to close, i.e. "closed within N hours"; math.inf when it is in the open-ended last bucket (a
        year or more), None with nothing closed."""
        total = self.values["closed"]
        if total <= 0:
            return None
        rank = max(1, math.ceil(total * pct / 100))
        running = 0
        for index, count in enumerate(self.histogram):
            running += count
            if running >= rank:
                return HOUR_EDGES[index] if index < len(HOUR_EDGES) else math.inf
        return None

    def percentile_days(self, pct: float) -> float | None:
        hours = self.percentile_hours(pct)
        return None if hours is None else hours / 24

    def sla_share(self) -> float | None:
        """Share of the closed requests that had an SLA which were closed within it; None without any."""
        with_sla = self.values["closed_with_sla"]
        return self.values["closed_within_sla"] / with_sla if with_sla else None

    def reopen_rate(self) -> float | None:
        """Reopenings per closure in the same days; None with no closures."""
        closed = self.values["closed"]
        return self.values["reopened"] / closed if closed else None


def _sums() -> dict:
    return {name: Sum(name) for name in MEASURES}


def _totals(row: dict) -> Totals:
    return Totals({name: int(row.get(name) or 0) for name in MEASURES})


def totals(scope: Scope, start: dt.date, end: dt.date) -> Totals:
    """Everything summed over the days start..end (inclusive)."""
    return _totals(scope.rows().filter(day__gte=start, day__lte=end).aggregate(**_sums()))


def totals_by_day(scope: Scope, start: dt.date, end: dt.date, measures: Sequence[str] = ("received",)
                  ) -> dict[dt.date, dict[str, int]]:
    """{day: {measure: sum}} for the days start..end that have any row."""
    rows = (scope.rows().filter(day__gte=start, day__lte=end).values("day")
            .annotate(**{name: Sum(name) for name in measures}).order_by("day"))
    return {row["day"]: {name: int(row[name] or 0) for name in measures} for row in rows}


def totals_by_service_type(scope: Scope, start: dt.date, end: dt.date) -> dict[int, Totals]:
    """{service type id: Totals} over the days start..end."""
    rows = (scope.rows().filter(day__gte=start, day__lte=end).values("service_type_key")
            .annotate(**_sums()).order_by())
    return {row["service_type_key"]: _totals(row) for row in rows}


#: Backlog age buckets: (label key, lowest age in whole days, highest age or None).
AGE_BUCKETS = (("under_1", 0, 0), ("1_to_7", 1, 6), ("7_to_30", 7, 29), ("over_30", 30, None))


def backlog(scope: Scope, today: dt.date) -> dict[str, int]:
    """Public requests open now, by age in whole local days since they were received (AGE_BUCKETS keys)."""
    found = dict.fromkeys((key for key, _, _ in AGE_BUCKETS), 0)
    rows = scope.rows().filter(open_now__gt=0).values("day").annotate(n=Sum("open_now")).order_by()
    for row in rows:
        age = (today - row["day"]).days
        for key, low, high in AGE_BUCKETS:
            if age >= low and (high is None or age <= high):
                found[key] += int(row["n"])
                break
        else:  # received "in the future" (clock skew, imported data): youngest bucket
            found["under_1"] += int(row["n"])
    return found


def synced_at() -> dt.datetime | None:
    """When the roll-ups were last brought up to date (None before the first sync)."""
    return RollupState.objects.filter(pk=1).values_list("synced_at", flat=True).first()
