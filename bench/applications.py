"""Applications benchmark: the staff queues and the public permit verification page, p50/p99, at 1,000,000
applications.

    python bench/applications.py [--size 1000000] [--calls 200] [--db sqlite|postgres|both]

Each database is set up and measured in its own subprocess (as bench/staff_queue.py). The loader bulk-inserts
`--size` applications of the demo fence permit in the test world's Town of Elm, spread over the last two
years across every state and step (a fifth of them approved, each with its permit), 1,000 applicants, Public
Works and Sanitation as reviewing departments. Each call is a whole page through Django's test client (the
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
    lines += ["", f"Stored before measuring: {args.size:,} applications (a fifth approved with a permit). Whole "
              f"pages through Django's test client; {WARMUP} untimed warm-up calls first.", ""]
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

def load(size: int, seed: int, world, fence) -> list[str]:
    """Bulk-insert `size` applications (and permits for the approved ones); returns some permit codes."""
    from django.db import transaction
    from django.utils import timezone

    from civicdesk.accounts.models import User
    from civicdesk.applications.models import Application, Permit

    rng = random.Random(seed)
    applicants = User.objects.bulk_create([User(email=f"applicant{n}@example.org", first_name=f"A{n}")
                                           for n in range(1000)])
    steps = fence.ordered_steps()
    today = timezone.localdate()
    now = timezone.now()
    states = ["submitted", "in_review", "in_review", "info_requested", "approved", "denied", "withdrawn"]
    codes: list[str] = []
    made = 0
    while made < size:
        rows = []
        for _n in range(min(BATCH, size - made)):
            status = rng.choice(states)
            step = steps[0] if status == "submitted" else rng.choice(steps[1:])
            submitted = now - dt.timedelta(days=rng.randint(0, 730), minutes=rng.randint(0, 1440))
            due = submitted.date() + dt.timedelta(days=21)
            rows.append(Application(
                application_type=fence, jurisdiction=world.elm, applicant=rng.choice(applicants), status=status,
                step=step, department=step.department, answers={}, fee_cents=4500, submitted_at=submitted,
                created_at=submitted, intake_due_on=submitted.date() + dt.timedelta(days=5), decision_due_on=due,
                paused_since=now if status == "info_requested" else None,
                decided_at=now if status in ("approved", "denied") else None))
        with transaction.atomic():
            created = Application.objects.bulk_create(rows, batch_size=1000)
            permits = [Permit(application=a, issued_at=now, valid_until=today + dt.timedelta(days=rng.randint(-200, 200)))
                       for a in created if a.status == "approved"]
            Permit.objects.bulk_create(permits, batch_size=1000)
        codes += [p.code for p in permits[:20]]
        made += len(rows)
        if made % 100_000 < BATCH:
            say(f"  {made:,} applications")
    return codes


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
    began = time.perf_counter()
    codes = load(args.size, args.seed, world, fence)
    say(f"[{db}] loaded {args.size:,} applications in {time.perf_counter() - began:.1f} s")
    common.settle()
    bob, admin = Client(), Client()
    login_verified(bob, world.bob)
    login_verified(admin, seats.admin)
    anonymous = Client()
    rng = random.Random(args.seed)
    pages = [
        ("queue: all open, my department (bob)", bob, lambda: "/staff/applications/"),
        ("queue: overdue, my department (bob)", bob, lambda: "/staff/applications/?queue=overdue"),
        ("queue: all open, whole town (admin)", admin, lambda: "/staff/applications/"),
        ("queue: decision step, whole town (admin)", admin, lambda: "/staff/applications/?queue=decision"),
        ("queue: second page, whole town (admin)", admin, lambda: "/staff/applications/?queue=active&page=2"),
        ("public verification page", anonymous, lambda: f"/permits/verify/{rng.choice(codes)}/"),
    ]
    results = []
    for name, client, path in pages:
        for _ in range(WARMUP):
            assert client.get(path()).status_code == 200, name
        issued = []
        def counted(execute, sql, params, many, context, issued=issued):
            issued.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counted):
            client.get(path())
        latencies = []
        for _ in range(args.calls):
            started = time.perf_counter()
            client.get(path())
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
