"""Staff import benchmark: a CSV of a whole city's staff planned (review table) and applied (one transaction).

    python bench/staff_import.py [--size 3000] [--calls 3] [--db sqlite|postgres|both]

Each database is set up in its own subprocess (as bench/boundary_import.py): migrate, one jurisdiction with 20
departments and 200 people who already hold a seat, then a CSV of `--size` rows (UTF-8 with a byte-order mark,
Spanish and Arabic names; one row in ten for someone already known, the rest new people, some with two seats).
Timed, median of `--calls` runs after one untimed run:

- plan ms: `plan_staff_import()` (decode, parse, every row checked against bulk look-ups: what the review page
  and `import_staff --dry-run` do);
- plan queries: the database queries one plan makes (the same whatever `--size`: no query per row);
- apply ms: `apply_staff_plan()` of a fresh plan (accounts, seats, role changes, invitations, audit entries and
  the email tasks queued, in one transaction), with what it created deleted again between runs;
- rows/s: rows applied per second (size / apply ms).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parent.parent)]

import common  # noqa: E402  (bench/ is not a package; its modules import each other by name)
from boundary_import import timed  # noqa: E402  (median of timed runs after an untimed one)

HEADER = ["database", "rows", "file KB", "plan ms", "plan queries", "apply ms", "rows/s"]
DEPARTMENTS = 20
KNOWN = 200
FIRST = ["Lucía", "José", "عمر", "مريم", "Grace", "Inés", "Sam", "Nadia", "Tomás", "ليلى"]
LAST = ["Fernández", "Muñoz", "الحداد", "صالح", "Oduya", "Castro", "Lindqvist", "Haddad", "Ruiz", "المصري"]
ROLES = ["agent", "staff", "staff", "staff", "supervisor", "contractor", "editor"]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = common.bench_parser(__doc__, size=3000, size_help="rows in the CSV", calls=3,
                                 calls_help="timed runs of each step", label=True)
    return common.checked(parser, parser.parse_args(argv))


def staff_csv(size: int) -> bytes:
    lines = ["email,first_name,last_name,jurisdiction,department,role,language"]
    for n in range(size):
        if n % 10 == 0:
            email, department = f"known{n % KNOWN}@bench.example.gov", f"dept-{(n // 10) % DEPARTMENTS}"
        else:
            email, department = f"person{n // 2}@bench.example.gov", f"dept-{n % DEPARTMENTS}"
        lines.append(f"{email},{FIRST[n % 10]},{LAST[n % 10]},bench,{department},{ROLES[n % len(ROLES)]},"
                     f"{['en', 'es', 'ar'][n % 3]}")
    return "\ufeff".encode() + "\n".join(lines).encode("utf-8") + b"\n"


def worker(args: argparse.Namespace) -> dict[str, Any]:
    import django

    django.setup()
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    call_command("migrate", verbosity=0)
    from django.test import override_settings

    from civicdesk.accounts.models import User
    from civicdesk.jurisdictions.models import Department, Jurisdiction, StaffMembership
    from civicdesk.onboarding.models import StaffInvitation
    from civicdesk.onboarding.staff_import import apply_staff_plan, plan_staff_import

    square = [[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]
    town = Jurisdiction.objects.create(name="Bench City", slug="bench", open311_id="bench.example.gov",
                                       boundary={"type": "Polygon", "coordinates": [square]})
    departments = [Department.objects.create(jurisdiction=town, name=f"Department {i}", slug=f"dept-{i}")
                   for i in range(DEPARTMENTS)]
    for i in range(KNOWN):
        user = User.objects.create_user(email=f"known{i}@bench.example.gov", password=None)
        StaffMembership.objects.create(user=user, jurisdiction=town, department=departments[i % DEPARTMENTS])
    # They already sign in (a usable password: the import sends them a seat notice, not an invitation). One
    # hash for all: each hash costs the production hasher's full work (about a third of a second), which for
    # 200 people was a minute of set-up.
    User.objects.filter(email__startswith="known").update(password=make_password("bench password 1"))
    data = staff_csv(args.size)

    def plan():
        return plan_staff_import(data, allowed_jurisdiction_ids=None)

    first = plan()
    if not first.ok:
        raise SystemExit("the benchmark file was refused: " + "; ".join(e for r in first.errors for e in r.errors))
    plan_ms = timed(args.calls, plan)
    with CaptureQueriesContext(connection) as queries:
        plan()

    def reset():
        User.objects.filter(email__startswith="person").delete()
        StaffMembership.objects.filter(user__email__startswith="known").delete()
        StaffInvitation.objects.all().delete()
        for i, user in enumerate(User.objects.filter(email__startswith="known").order_by("pk")):
            StaffMembership.objects.create(user=user, jurisdiction=town, department=departments[i % DEPARTMENTS])

    def apply():
        reset()
        fresh = plan()
        started = time.perf_counter()
        with override_settings(STAFF_INVITATIONS_PER_DAY=0, STAFF_INVITATIONS_PER_ADMIN_PER_DAY=0):
            apply_staff_plan(fresh, actor=None, filename="bench.csv")
        return (time.perf_counter() - started) * 1000

    apply()
    apply_ms = statistics.median(apply() for _ in range(args.calls))
    return {"db": args.worker, "server": common.describe_server(connection), "rows": args.size,
            "file_kb": len(data) / 1024, "plan_ms": plan_ms, "plan_queries": len(queries), "apply_ms": apply_ms,
            "rows_per_s": args.size / (apply_ms / 1000)}


def render(results: list[dict[str, Any]], args: argparse.Namespace, machine: str) -> str:
    command = f"python bench/staff_import.py --size {args.size} --calls {args.calls} --db {args.db}"
    label = f" · {args.label}" if args.label else ""
    lines = [f"## {common.now_utc()} · commit {common.git_commit()}{label}", "", f"`{command}` on {machine}.", ""]
    lines += [f"- {r['db']}: {r['server']}" for r in results]
    lines += ["", "Staff import (bench/staff_import.py's docstring defines each column):", ""]
    rows = [[r["db"], r["rows"], round(r["file_kb"]), round(r["plan_ms"]), r["plan_queries"], round(r["apply_ms"]),
             round(r["rows_per_s"])] for r in results]
    return "\n".join(lines) + "\n" + common.markdown_table(HEADER, rows) + "\n"


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.worker:
        import json

        args.result_file.write_text(json.dumps(worker(args)), encoding="utf-8")
        return 0
    options = ["--size", str(args.size), "--calls", str(args.calls), "--seed", str(args.seed)]
    return common.run_benchmark(args, label="staff-import", script=Path(__file__), worker_options=options,
                                render=render)


if __name__ == "__main__":
    sys.exit(main())
