"""Applications benchmark: the staff queues, the public permit verification page and the public register (list,
map data, CSV export), p50/p99, at 1,000,000 applications.

    python bench/applications.py [--size 1000000] [--calls 200] [--db sqlite|postgres|both]

Each database is set up and measured in its own subprocess (as bench/staff_queue.py). The loader bulk-inserts
`--size` applications of the demo fence permit in the test world's Town of Elm, spread over the last two
years across every state and step (a seventh of them approved, each with its permit and its public register
row, a pin in the town's West or East district), 1,000 applicants, Public Works and Sanitation as reviewing
departments. Rows go in with one executemany per table and batch (no model instances), so a million
applications load in minutes. Each call is a whole page through Django's test client (the
view, its queries and its template), signed in as bob (staff of Public Works: his department's applications)
or as the town's administrator (every application of the town).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
import time
from pathlib import Path
from typing import Any

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parent.parent)]

import common

WARMUP = 5
BATCH = 5000
HEADER = ["database", "stored applications", "page", "calls", "SQL queries", "p50 ms", "p99 ms", "max ms"]
say = common.say


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = common.bench_parser(__doc__, calls=200, keep=True, size_help="applications stored before measuring")
    return common.checked(parser, parser.parse_args(argv))


def render(results: list[dict[str, Any]], args: argparse.Namespace, machine: str) -> str:
    command = f"python bench/applications.py --size {args.size} --calls {args.calls} --db {args.db}"
    lines = common.results_heading(command, machine, results)
    warmup = min(WARMUP, args.calls)
    lines += ["", (f"Stored before measuring: {args.size:,} applications (a seventh approved with a permit in the "
                   f"public register). Whole pages through Django's test client; {warmup} untimed warm-up calls "
                   "first."), ""]
    rows = [[r["db"], r["stored"], m["name"], m["calls"], m["queries"], m["p50_ms"], m["p99_ms"], m["max_ms"]]
            for r in results for m in r["measurements"]]
    return "\n".join([*lines, common.markdown_table(HEADER, rows), ""])


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.worker:
        return worker(args)
    options = ["--size", str(args.size), "--calls", str(args.calls), "--seed", str(args.seed),
               "--out-dir", str(args.out_dir)]
    return common.run_benchmark(args, label="applications", script=Path(__file__).resolve(), render=render,
                                worker_options=options, keep=args.keep,
                                env_extra={"ALLOWED_HOSTS": "127.0.0.1,testserver", "RATE_LIMITS_ENABLED": "false"})


# --- The worker: set up, load, measure -----------------------------------------------------------------------

def _prepared(model, values: dict) -> tuple[list[str], list]:
    """The model's columns (those given in `values`, the others at their defaults) and, per column, a function
    turning a Python value into what the database driver takes (dates, times and JSON; others as they are)."""
    from django.db import connection
    from django.db.models import DateField, DateTimeField, JSONField

    fields = [f for f in model._meta.concrete_fields]
    columns = [f.column for f in fields]
    converters = [(lambda v, f=f: f.get_db_prep_save(v, connection))
                  if isinstance(f, (DateField, DateTimeField, JSONField)) else None for f in fields]
    missing = [f for f in fields if f.column not in values]
    defaults = {f.column: f.get_default() for f in missing}
    return columns, [converters, defaults]


def insert_rows(model, rows: list[dict]) -> None:
    """Insert `rows` (column → value; "id" given) with one executemany: no model instances, no RETURNING, the
    bulk path for a million rows (civicdesk/datasets/bulk.py writes requests the same way, with COPY)."""
    from django.db import connection

    if not rows:
        return
    columns, (converters, defaults) = _prepared(model, rows[0])
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"
    values = []
    for row in rows:
        merged = [row[c] if c in row else defaults[c] for c in columns]
        values.append(tuple(convert(v) if convert and v is not None else v for convert, v in zip(converters, merged)))
    with connection.cursor() as cursor:
        cursor.executemany(sql, values)


def next_id(model) -> int:
    from django.db.models import Max

    return (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1


def reset_sequences(models) -> None:
    from django.core.management.color import no_style
    from django.db import connection

    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)


def load(size: int, seed: int, world, fence) -> tuple[list[str], int]:
    """Bulk-insert `size` applications, a permit for each approved one and its public register row (a pin in
    the Town of Elm, in its district); returns some permit codes and the permit id in the middle."""
    import secrets

    from django.db import transaction
    from django.utils import timezone

    from civicdesk.accounts.models import User
    from civicdesk.applications.models import Application, Permit, RegisterEntry
    from civicdesk.applications.register_models import cell_of

    rng = random.Random(seed)
    applicants = [u.pk for u in User.objects.bulk_create([User(email=f"applicant{n}@example.org", first_name=f"A{n}")
                                                          for n in range(1000)])]
    steps = fence.ordered_steps()
    today = timezone.localdate()
    now = timezone.now()
    states = ["submitted", "in_review", "in_review", "info_requested", "approved", "denied", "withdrawn"]
    slug = fence.slug.upper()
    codes: list[str] = []
    permit_ids: list[int] = []
    made, app_id, permit_id = 0, next_id(Application), next_id(Permit)
    while made < size:
        applications, permits, entries = [], [], []
        for _n in range(min(BATCH, size - made)):
            status = rng.choice(states)
            step = steps[0] if status == "submitted" else rng.choice(steps[1:])
            submitted = now - dt.timedelta(days=rng.randint(0, 730), minutes=rng.randint(0, 1440))
            applications.append({
                "id": app_id, "application_type_id": fence.pk, "jurisdiction_id": world.elm.pk,
                "applicant_id": rng.choice(applicants), "status": status, "step_id": step.pk,
                "department_id": step.department_id, "answers": {}, "fee_cents": 4500, "language": "en",
                "submitted_at": submitted, "created_at": submitted, "updated_at": submitted,
                "intake_due_on": submitted.date() + dt.timedelta(days=5),
                "decision_due_on": submitted.date() + dt.timedelta(days=21),
                "paused_since": now if status == "info_requested" else None,
                "decided_at": now if status in ("approved", "denied") else None})
            if status == "approved":
                until = today + dt.timedelta(days=rng.randint(-200, 200))
                code = secrets.token_urlsafe(12)
                lat, long = 2 + rng.random() * 2, 2 + rng.random() * 2
                permits.append({"id": permit_id, "application_id": app_id, "code": code, "issued_at": submitted,
                                "valid_from": submitted.date(), "valid_until": until})
                entries.append({"permit_id": permit_id, "application_type_id": fence.pk,
                                "jurisdiction_id": world.elm.pk, "number": f"{slug}-{app_id:06d}",
                                "issued_on": submitted.date(), "valid_from": submitted.date(), "valid_until": until,
                                "revoked": False, "place": f"{rng.randint(1, 999)} Oak Street", "lat": lat,
                                "long": long, "cell": cell_of(lat, long),
                                "district_id": (world.west if long < 3 else world.east).pk, "answers": [],
                                "updated_at": now})
                if len(codes) < 20:
                    codes.append(code)
                permit_ids.append(permit_id)
                permit_id += 1
            app_id += 1
        with transaction.atomic():
            insert_rows(Application, applications)
            insert_rows(Permit, permits)
            insert_rows(RegisterEntry, entries)
        made += len(applications)
        if made % 100_000 < BATCH:
            say(f"  {made:,} applications")
    reset_sequences([Application, Permit])
    return codes, permit_ids[len(permit_ids) // 2] if permit_ids else 0


def whole(response):
    """The response, its body read to the end (an export streams: its time is the whole file's)."""
    if response.streaming:
        b"".join(response.streaming_content)
    return response


def worker(args: argparse.Namespace) -> int:
    import django

    django.setup()
    from django.conf import settings

    # Pages render {% static %} links: plain names, no collectstatic manifest needed for the bench (as bench/map.py).
    settings.STORAGES = {**settings.STORAGES,
                         "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from civicdesk.applications import registers
    from civicdesk.applications.demo import build_fence_permit
    from civicdesk.applications.models import Application
    from civicdesk.staff.tests.people import seat_people
    from civicdesk.testing.auth import login_verified
    from civicdesk.testing.world import build_world

    db = args.worker
    say(f"[{db}] migrating")
    call_command("migrate", verbosity=0)
    world = build_world()
    seats = seat_people(world)
    fence = build_fence_permit(world.elm, review_department=world.public_works, second_department=world.sanitation)
    questions = fence.form.questions_in_order()
    registers.save_settings(fence, user=None, enabled=True, place_question=questions[0],
                            public_questions=[questions[1]])
    began = time.perf_counter()
    codes, middle = load(args.size, args.seed, world, fence)
    say(f"[{db}] loaded {args.size:,} applications in {time.perf_counter() - began:.1f} s")
    common.settle()
    bob, admin = Client(), Client()
    login_verified(bob, world.bob)
    login_verified(admin, seats.admin)
    anonymous = Client()
    rng = random.Random(args.seed)
    recent = (dt.date.today() - dt.timedelta(days=30)).isoformat()
    pages = [
        ("queue: all open, my department (bob)", bob, lambda: "/staff/applications/"),
        ("queue: overdue, my department (bob)", bob, lambda: "/staff/applications/?queue=overdue"),
        ("queue: all open, whole town (admin)", admin, lambda: "/staff/applications/"),
        ("queue: decision step, whole town (admin)", admin, lambda: "/staff/applications/?queue=decision"),
        ("queue: second page, whole town (admin)", admin, lambda: "/staff/applications/?queue=active&page=2"),
        ("public verification page", anonymous, lambda: f"/permits/verify/{rng.choice(codes)}/"),
        ("register: list, first page", anonymous, lambda: "/permits/register/"),
        ("register: list, valid permits of one district", anonymous,
         lambda: f"/permits/register/?state=valid&district={world.west.pk}"),
        ("register: list, a page deep in (keyset)", anonymous, lambda: f"/permits/register/?after={middle}"),
        ("register: map data, counts per cell", anonymous, lambda: "/permits/register/map.json"),
        ("register: map data, one district, issued in the last 30 days", anonymous,
         lambda: f"/permits/register/map.json?district={world.east.pk}&issued_from={recent}"),
        ("register: CSV export, issued in the last 30 days", anonymous,
         lambda: f"/permits/register/permits.csv?issued_from={recent}"),
    ]
    results = []
    for name, client, path in pages:
        for _ in range(min(WARMUP, args.calls)):
            assert whole(client.get(path())).status_code == 200, name
        issued = []
        def counted(execute, sql, params, many, context, issued=issued):
            issued.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counted):
            whole(client.get(path()))
        latencies = []
        for _ in range(args.calls):
            started = time.perf_counter()
            whole(client.get(path()))
            latencies.append(time.perf_counter() - started)
        row = {"name": name, "calls": len(latencies), "queries": len(issued),
               **common.latency_row(latencies)}
        results.append(row)
        say(f"[{db}] {name}: {row['queries']} queries, p50 {row['p50_ms']:.2f} ms, p99 {row['p99_ms']:.2f} ms")
    result = {"db": db, "server": common.describe_server(connection), "stored": Application.objects.count(),
              "measurements": results}
    args.result_file.write_text(json.dumps(result, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
