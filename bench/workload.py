"""The benchmark's city and traffic: where requests are, what they are about, and a fast history loader.

Import only after django.setup(). Everything is drawn from a seeded random.Random,
so two runs with the same seed store and submit the same requests.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import json
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone

from civicdesk.catalog.models import ServiceType, Status
from civicdesk.catalog.services import route
from civicdesk.jurisdictions import services as places
from civicdesk.lib.ids import ALPHABET
from civicdesk.servicerequests.models import Channel, ServiceRequest, TimelineEntry
from civicdesk.testing.world import World

BATCH = 10_000
RESIDENTS = 50_000  # size of the pool of contact emails, so some residents report more than once
DESCRIPTIONS = [
    "Big hole by the bus stop, cars swerve around it",
    "Bins on the whole block were not emptied this week",
    "Tags sprayed on the underpass wall again",
    "Please send copies of the inspection reports for my street",
    "It has been like this for two weeks",
    "Next to the school crossing",
    "Cyclists have to ride into traffic to avoid it",
    "Recycling was left behind, regular trash was taken",
    "On the north side of the library",
    "Hablo español, gracias",
]
CHANNELS = [(Channel.WEB, 60), (Channel.API, 20), (Channel.PHONE, 15), (Channel.EMAIL, 5)]
OPEN_MIX = {"submitted": 35, "acknowledged": 20, "investigating": 15, "in_progress": 20, "action_scheduled": 10}
CLOSED_MIX = {"fixed": 60, "no_further_action": 10, "not_responsible": 8, "duplicate": 12, "referred": 5,
              "cancelled": 5}


@dataclass
class Area:
    """A box of the map where requests cluster, wholly inside one jurisdiction and district."""

    name: str
    min_lat: float
    max_lat: float
    min_long: float
    max_long: float
    weight: int
    jurisdiction_id: int = 0
    district_id: int | None = None

    def point(self, rng: random.Random) -> tuple[float, float]:
        return rng.uniform(self.min_lat, self.max_lat), rng.uniform(self.min_long, self.max_long)


@dataclass
class Kind:
    """A service type, how often residents report it, and what they must answer."""

    service_type: ServiceType
    weight: int
    answers: Callable[[random.Random], dict[str, Any]] = lambda rng: {}
    routes: dict[str, tuple[int | None, int | None, int | None, str]] = field(default_factory=dict)


@dataclass
class BenchCity:
    areas: list[Area]
    kinds: list[Kind]
    statuses: dict[str, Status]


def bench_city(world: World) -> BenchCity:
    """The shared test world's places, used at a real city's density.

    The test world's boundaries are squares degrees wide; requests are packed
    into a 0.2° x 0.2° "downtown" of the Town of Elm (about 22 km x 22 km,
    split between its two districts) and a 0.1° patch of Maple County, so the
    duplicate look-up (50 m radius) sees as many neighbours as in a big city.
    """
    areas = [
        Area("West Elm", 2.90, 3.10, 2.90, 2.9999, 40),
        Area("East Elm", 2.90, 3.10, 3.0001, 3.10, 45),
        Area("Maple County", 7.95, 8.05, 7.95, 8.05, 15),
    ]
    for area in areas:
        corners = [places.locate(lat, long) for lat in (area.min_lat, area.max_lat)
                   for long in (area.min_long, area.max_long)]
        found = {(where.jurisdiction and where.jurisdiction.pk, where.district and where.district.pk)
                 for where in corners}
        if len(found) != 1 or corners[0].jurisdiction is None:
            raise RuntimeError(f"the test world changed: {area.name} no longer lies in one jurisdiction/district")
        area.jurisdiction_id, area.district_id = found.pop()
    kinds = [
        Kind(world.pothole, 40, lambda rng: {"depth": rng.choice(["shallow", "deep"])}),
        Kind(world.garbage, 30),
        Kind(world.graffiti, 22),
        Kind(world.records, 8),
    ]
    for kind in kinds:
        for area in areas:
            jurisdiction = world.elm if area.jurisdiction_id == world.elm.pk else world.county
            lat, long = area.point(random.Random(0))
            decision = route(jurisdiction=jurisdiction, service_type=kind.service_type, lat=lat, long=long,
                             district_id=area.district_id)
            kind.routes[area.name] = (decision.department_id, decision.team_id,
                                      decision.rule.pk if decision.rule else None, decision.note)
    return BenchCity(areas, kinds, world.statuses)


def _pick(rng: random.Random, weighted: list[tuple[Any, int]]) -> Any:
    return rng.choices([item for item, _ in weighted], weights=[w for _, w in weighted])[0]


def _email(rng: random.Random) -> str:
    return f"resident{rng.randrange(RESIDENTS)}@example.org"


def submissions(city: BenchCity, count: int, seed: int) -> list[dict[str, Any]]:
    """Keyword arguments for `count` submit_request() calls: varied places, types, answers and contacts."""
    rng = random.Random(seed)
    areas = [(area, area.weight) for area in city.areas]
    kinds = [(kind, kind.weight) for kind in city.kinds]
    result = []
    for _ in range(count):
        kind, area = _pick(rng, kinds), _pick(rng, areas)
        lat, long = area.point(rng)
        needs_email = kind.service_type.requires_email or not kind.service_type.allow_anonymous
        result.append({
            "service_type": kind.service_type, "lat": lat, "long": long,
            "description": rng.choice(DESCRIPTIONS) if rng.random() < 0.6 else "",
            "attributes": kind.answers(rng), "channel": _pick(rng, CHANNELS),
            "contact_email": _email(rng) if needs_email or rng.random() < 0.5 else "",
            "contact_phone": f"555-01{rng.randrange(100):02d}" if rng.random() < 0.2 else "",
            "language": "es" if rng.random() < 0.2 else "en",
        })
    return result


# The columns historical_rows() fills, in its order. Columns added to the models later are loaded
# with their Django defaults (see _columns), so a new field does not break the benchmark.
REQUEST_COLUMNS = [
    "id", "public_id", "jurisdiction_id", "service_type_id", "status_id", "is_open", "priority", "description",
    "attributes", "lat", "long", "address", "address_id", "district_id", "channel", "reporter_id", "contact_name",
    "contact_email", "contact_phone", "language", "device_id", "client_name", "department_id", "team_id",
    "assignee_id", "routing_rule_id", "routing_note", "requested_at", "updated_at", "expected_at", "closed_at",
    "duplicate_of_id", "supporters_count", "is_private", "media_url",
]
TIMELINE_COLUMNS = ["id", "request_id", "kind", "is_public", "message", "author_id", "status_from_id",
                    "status_to_id", "data", "created_at"]


def _columns(model, known: list[str]) -> tuple[list[str], tuple]:
    """The columns to load: `known` (filled by historical_rows) plus any the model gained since,
    with their Django defaults. Fails loudly when a known column is gone.
    """
    fields = {f.column: f for f in model._meta.concrete_fields}
    gone = sorted(set(known) - set(fields))
    if gone:
        raise RuntimeError(f"{model.__name__} lost columns {gone}: update bench/workload.py")
    extra = [f for column, f in fields.items() if column not in known]
    return known + [f.column for f in extra], tuple(f.get_db_prep_save(f.get_default(), connection) for f in extra)


def _public_ids(rng: random.Random) -> Iterator[str]:
    """Distinct ids in new_public_id()'s format, two characters (10 random bits) per table look-up."""
    pairs = [a + b for a in ALPHABET for b in ALPHABET]
    # 1,000,000 random 40-bit ids collide about every other run (birthday bound), so remember them all.
    seen: set[str] = set()
    while True:
        bits = rng.getrandbits(40)
        public_id = f"{pairs[bits >> 30]}{pairs[(bits >> 20) & 1023]}-{pairs[(bits >> 10) & 1023]}{pairs[bits & 1023]}"
        if public_id not in seen:
            seen.add(public_id)
            yield public_id


def _table_of(weighted: list[tuple[Any, int]]) -> list[Any]:
    """Each item repeated by its (whole-number) weight: a pick is one index, far cheaper than choices()."""
    return [item for item, weight in weighted for _ in range(weight)]


def historical_rows(city: BenchCity, size: int, seed: int, now: dt.datetime,
                    days: int = 365) -> Iterator[tuple[tuple, tuple]]:
    """(request row, timeline row) pairs for `size` requests spread over the `days` before `now`.

    Ids run 1..size in time order, as a live table's would. Recent requests are
    mostly open, older ones mostly closed (about 10% open overall). Each gets one
    public "submitted" timeline entry. SLA due times are approximate (business
    hours stretched over nights and weekends), since intake never reads them.
    """
    rng = random.Random(seed)
    rand = rng.random
    ids = _public_ids(rng)
    places_and_kinds = _table_of([((area, kind), area.weight * kind.weight) for area in city.areas
                                  for kind in city.kinds])
    open_statuses = _table_of([(city.statuses[code].pk, w) for code, w in OPEN_MIX.items()])
    closed_statuses = _table_of([(city.statuses[code].pk, w) for code, w in CLOSED_MIX.items()])
    channels = _table_of([((str(channel.value), f"Request received via {channel.label}."), w)
                          for channel, w in CHANNELS])
    answers = {kind.service_type.pk: [json.dumps(kind.answers(random.Random(i))) for i in range(8)]
               for kind in city.kinds}
    duplicate_status = city.statuses["duplicate"].pk
    submitted = city.statuses["submitted"].pk
    submitted_kind = str(TimelineEntry.Kind.SUBMITTED.value)
    start = now - dt.timedelta(days=days)
    step = dt.timedelta(days=days) / (size + 1)
    for pk in range(1, size + 1):
        area, kind = places_and_kinds[int(rand() * len(places_and_kinds))]
        service_type = kind.service_type
        department_id, team_id, rule_id, note = kind.routes[area.name]
        requested = start + step * pk + dt.timedelta(seconds=rand() * 3600 - 1800)
        age_days = (now - requested).days
        is_open = rand() < (0.85 if age_days < 7 else 0.45 if age_days < 30 else 0.06)
        if is_open:
            status, closed = open_statuses[int(rand() * len(open_statuses))], None
            updated = min(now, requested + dt.timedelta(hours=rand() * 48))
        else:
            status = closed_statuses[int(rand() * len(closed_statuses))]
            closed = updated = min(now, requested + dt.timedelta(days=rng.expovariate(1 / 3)))
        expected = requested + dt.timedelta(hours=service_type.sla_hours * 2.5) if service_type.sla_hours else None
        needs_email = service_type.requires_email or not service_type.allow_anonymous
        channel, message = channels[int(rand() * len(channels))]
        request = (
            pk, next(ids), area.jurisdiction_id, service_type.pk, status, is_open, service_type.default_priority,
            DESCRIPTIONS[int(rand() * len(DESCRIPTIONS))] if rand() < 0.6 else "",
            answers[service_type.pk][int(rand() * 8)], *area.point(rng), "", "", area.district_id, channel, None, "",
            _email(rng) if needs_email or rand() < 0.5 else "",
            f"555-01{int(rand() * 100):02d}" if rand() < 0.2 else "", "es" if rand() < 0.2 else "en",
            "", "", department_id, team_id, None, rule_id, note, requested, updated, expected, closed,
            int(rand() * (pk - 1)) + 1 if status == duplicate_status and pk > 1 else None,
            int(rand() * 4) if rand() < 0.1 else 0, service_type.is_private, "",
        )
        yield request, (pk, pk, submitted_kind, True, message, None, None, submitted, "{}", requested)


@dataclass
class LoadReport:
    rows: int
    seconds: float
    method: str

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


def loaded_world(db: str, size: int, seed: int, say: Callable[[str], None],
                 days: int = 365) -> tuple[World, BenchCity, LoadReport]:
    """The start of most benchmark workers: migrate the new database, build the test world and its bench city,
    and store `size` historical requests (`load_history`), saying how long the load took."""
    from django.core.management import call_command

    from civicdesk.testing.world import build_world

    call_command("migrate", verbosity=0, interactive=False)
    world = build_world()
    city = bench_city(world)
    say(f"[{db}] loading {size:,} requests ...")
    load = load_history(city, size, seed, days)
    say(f"[{db}] loaded {load.rows:,} requests in {load.seconds:.1f} s ({load.method})")
    return world, city, load


def load_history(city: BenchCity, size: int, seed: int, days: int = 365) -> LoadReport:
    """Store `size` historical requests (and one timeline entry each), spread over the `days` before now, as fast
    as the database allows.

    Both tables' secondary indexes are dropped during the load and created
    again from their own definitions afterwards (one sorted build instead of
    a million random inserts), and foreign keys are not checked row by row
    (the rows are consistent by construction). Columns historical_rows() does
    not know get their field's default. PostgreSQL takes the rows
    through COPY, SQLite through executemany in transactions of BATCH rows.
    The loader's connection is closed at the end so that no session setting
    it changed reaches the measurement.
    """
    # Naive UTC datetimes: Django's SQLite adapter stores them exactly as it stores aware
    # ones (ISO text in UTC), PostgreSQL reads them in the UTC session Django sets up, and
    # no per-value conversion is needed.
    request_columns, request_extra = _columns(ServiceRequest, REQUEST_COLUMNS)
    timeline_columns, timeline_extra = _columns(TimelineEntry, TIMELINE_COLUMNS)
    rows = ((request + request_extra, entry + timeline_extra)
            for request, entry in historical_rows(city, size, seed, timezone.now().replace(tzinfo=None), days))
    started = time.perf_counter()
    try:
        with _indexes_rebuilt([ServiceRequest, TimelineEntry]):
            if connection.vendor == "postgresql":
                _copy(rows, request_columns, timeline_columns)
                method = "COPY, indexes built after"
            else:
                _executemany(rows, request_columns, timeline_columns)
                method = f"executemany in {BATCH:,}-row transactions, indexes built after"
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [ServiceRequest, TimelineEntry]):
                cursor.execute(sql)
    finally:
        connection.close()
    return LoadReport(size, time.perf_counter() - started, method)


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _column_list(columns: list[str]) -> str:
    return ", ".join(connection.ops.quote_name(c) for c in columns)


@contextlib.contextmanager
def _indexes_rebuilt(models: list) -> Iterator[None]:
    """Drop the tables' indexes that back no constraint, and create them again from their saved SQL."""
    tables = [model._meta.db_table for model in models]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
                           "AND tablename = ANY(%s) AND indexname NOT IN (SELECT conname FROM pg_constraint)",
                           [tables])
        else:
            # Indexes SQLite made for UNIQUE and PRIMARY KEY have no SQL and stay.
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                           f"AND tbl_name IN ({', '.join(['%s'] * len(tables))})", tables)
        indexes = cursor.fetchall()
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    yield
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET maintenance_work_mem = '512MB'")
        for _, sql in indexes:
            cursor.execute(sql)


def _copy(rows: Iterator[tuple[tuple, tuple]], request_columns: list[str], timeline_columns: list[str]) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SHOW is_superuser")
        if cursor.fetchone()[0] == "on":
            # Skips the foreign-key triggers, which would queue ten deferred checks per row.
            cursor.execute("SET session_replication_role = replica")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL TIME ZONE 'UTC'")
        timeline = []
        raw = cursor.cursor  # the psycopg cursor: COPY is not part of Django's cursor API
        with raw.copy(f"COPY {_table(ServiceRequest)} ({_column_list(request_columns)}) FROM STDIN") as copy:
            for request, entry in rows:
                copy.write_row(request)
                timeline.append(entry)
        with raw.copy(f"COPY {_table(TimelineEntry)} ({_column_list(timeline_columns)}) FROM STDIN") as copy:
            for entry in timeline:
                copy.write_row(entry)


def _executemany(rows: Iterator[tuple[tuple, tuple]], request_columns: list[str],
                 timeline_columns: list[str]) -> None:
    with connection.cursor() as cursor:
        # Only this loading connection: it is closed before anything is measured.
        cursor.execute("PRAGMA foreign_keys = OFF")
        cursor.execute("PRAGMA synchronous = OFF")
        cursor.execute("PRAGMA cache_size = -1048576")
    request_sql = (f"INSERT INTO {_table(ServiceRequest)} ({_column_list(request_columns)}) "
                   f"VALUES ({', '.join(['%s'] * len(request_columns))})")
    timeline_sql = (f"INSERT INTO {_table(TimelineEntry)} ({_column_list(timeline_columns)}) "
                    f"VALUES ({', '.join(['%s'] * len(timeline_columns))})")
    while True:
        batch = list(itertools.islice(rows, BATCH))
        if not batch:
            return
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(request_sql, [request for request, _ in batch])
            cursor.executemany(timeline_sql, [entry for _, entry in batch])


def open_requests_around(service_type: ServiceType, lat: float, long: float, count: int, seed: int = 0) -> int:
    """Store `count` open, public requests of `service_type` scattered within half its duplicate radius of
    (lat, long), copying the place and routing a real submission there would get (one bulk insert, no
    timeline): the "hot spot" where every new report's duplicate look-up meets them all. Returns `count`."""
    rng = random.Random(f"hot spot {seed}")  # a stream of its own: no tracking number of the history again
    where = places.locate(lat, long)
    if where.jurisdiction is None:
        raise RuntimeError(f"({lat}, {long}) lies in no jurisdiction")
    status = Status.objects.filter(kind=Status.Kind.OPEN).order_by("order", "pk").first()
    decision = route(jurisdiction=where.jurisdiction, service_type=service_type, lat=lat, long=long,
                     district_id=where.district.pk if where.district else None)
    now = timezone.now()
    span = max(service_type.duplicate_radius_m, 1) / 2 / 111_000 / 1.5  # degrees, inside half the radius
    # A stream of its own may still draw a tracking number the history holds (at 10,000,000 stored and 75,000
    # drawn, about one a run): draw on past those.
    ids = _public_ids(rng)
    fresh: list[str] = []
    while len(fresh) < count:
        drawn = [next(ids) for _ in range(count - len(fresh))]
        taken = set(ServiceRequest.objects.filter(public_id__in=drawn).values_list("public_id", flat=True))
        fresh += [public_id for public_id in drawn if public_id not in taken]
    rows = [ServiceRequest(
        public_id=fresh[i], jurisdiction=where.jurisdiction, district=where.district, service_type=service_type,
        status=status, is_open=True, lat=lat + rng.uniform(-span, span), long=long + rng.uniform(-span, span),
        department_id=decision.department_id, team_id=decision.team_id, routing_rule=decision.rule,
        routing_note=decision.note[:255], channel=Channel.WEB, description=rng.choice(DESCRIPTIONS),
        requested_at=now - dt.timedelta(minutes=i), updated_at=now - dt.timedelta(minutes=i))
        for i in range(count)]
    ServiceRequest.objects.bulk_create(rows, batch_size=500)
    return count
