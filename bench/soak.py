"""Soak test: N minutes (default 30) of mixed traffic against the real stack on loopback, with random SIGKILLs.

    python bench/soak.py [--minutes 30] [--db sqlite|postgres|both] [--kills N] [--bulk-rows 20000]

The 3-minute form runs in the suite (civicdesk/core/tests/test_soak.py); both use
civicdesk/testing/soakload.py, which builds on the crash test's load, killer and audit
(civicdesk/testing/crashload.py). For each database, in a fresh subprocess (settings come from the
environment at django.setup()): a new database (a SQLite file in --out-dir; for PostgreSQL
BENCH_DATABASE_URL, an empty database, or a throwaway durable PostgreSQL 15 cluster), migrated, with the
shared test world and a few confirmed area-alert subscribers; a real SMTP server (aiosmtpd); `manage.py
serve --no-worker --sweep-every 3` (gunicorn with --workers workers, the SLA sweep every 3 s, the digest
scheduler) and the task worker beside it, started and restarted by this script as a supervisor would.
Traffic: Open311 and web-form reports, home and tracking pages, Open311 GETs, area-alert sign-ups, email
replies through the inbound webhook, staff status changes and notes, one generate_requests and one
import_311 run. Rate limits are off in the server (RATE_LIMITS_ENABLED=false): every client is 127.0.0.1.
At the end: every component up, no 500s, every acknowledged report stored once, memory flat. Prints a
summary and appends it to RESULTS.md. Exits 1 when the soak failed.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parent.parent)]

import common  # bench/ is not a package: its modules import each other by name


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=30.0, help="how long the traffic lasts (default 30)")
    parser.add_argument("--kills", type=int, help="SIGKILLs over the run, alternating gunicorn worker and task "
                                                   "worker (default: one a minute, at least 2)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--bulk-rows", type=int, default=20000,
                        help="rows of the generate_requests run and of the import_311 run")
    parser.add_argument("--drain-minutes", type=float, default=8.0,
                        help="how long the task worker may take to empty the queue after the traffic (default 8)")
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--out-dir", type=Path, default=common.OUT_DIR, help="databases and logs go here")
    parser.add_argument("--results", type=Path, default=common.RESULTS, help="markdown file the summary is appended to")
    parser.add_argument("--no-record", action="store_true", help="print only, do not append to --results")
    parser.add_argument("--worker", choices=["sqlite", "postgres"], help=argparse.SUPPRESS)
    parser.add_argument("--result-file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.kills is None:
        args.kills = max(2, round(args.minutes))
    if args.minutes <= 0 or args.kills < 1 or args.workers < 1 or args.bulk_rows < 1:
        parser.error("--minutes, --kills, --workers and --bulk-rows must be positive")
    args.out_dir = args.out_dir.resolve()
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.worker:
        return worker(args)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    machine = common.machine(os.getloadavg(), common.fsync_ms(args.out_dir))
    results = []
    for db in ["sqlite", "postgres"] if args.db == "both" else [args.db]:
        options = ["--minutes", str(args.minutes), "--kills", str(args.kills), "--workers", str(args.workers),
                   "--bulk-rows", str(args.bulk_rows), "--drain-minutes", str(args.drain_minutes), "--seed", str(args.seed), "--out-dir", str(args.out_dir)]
        try:
            with common.database_url(db, "soak", args.out_dir, pg_settings={"max_connections": "60"}) as url:
                results.append(common.run_worker(Path(__file__).resolve(), db, url, args.out_dir, options,
                                                 env_extra={"CIVICDESK_VAR_DIR": str(args.out_dir / f"soak-var-{db}")}))
        except Exception as exc:  # noqa: BLE001 - a failed run is reported, the other database still runs
            common.say(f"soak on {db} failed: {type(exc).__name__}: {exc}")
            results.append({"db": db, "ok": False, "server": "", "summary": f"the run failed: {exc}",
                            "problems": [str(exc)]})
    command = (f"python bench/soak.py --minutes {args.minutes:g} --kills {args.kills} --workers {args.workers} "
               f"--bulk-rows {args.bulk_rows} --db {args.db}")
    lines = [f"## Soak · {common.now_utc()} · commit {common.git_commit()}", "", f"`{command}` on {machine}.", ""]
    for result in results:
        verdict = "passed" if result["ok"] else "FAILED: " + "; ".join(result["problems"][:10])
        lines += [f"### {result['db']}: {verdict}", "", f"Server: {result['server']}", "", "```",
                  result["summary"], "```", ""]
    text = "\n".join(lines)
    common.say("\n" + text)
    if not args.no_record:
        with args.results.open("a", encoding="utf-8") as handle:
            handle.write("\n" + text)
    return 0 if all(result["ok"] for result in results) else 1


def worker(args: argparse.Namespace) -> int:
    import django

    django.setup()
    import crash
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from civicdesk.open311.services import issue_api_key
    from civicdesk.testing.live_stack import live_stack
    from civicdesk.testing.soakload import Soak, confirmed_alert_subscribers, server_settings
    from civicdesk.testing.world import build_world

    db = args.worker
    call_command("migrate", verbosity=0, interactive=False)
    world = build_world()
    confirmed_alert_subscribers(5)
    _, key = issue_api_key(name="Soak", rate_limit_per_minute=0)
    server = common.describe_server(connection)
    url = os.environ["DATABASE_URL"]
    connection.close()
    began = time.monotonic()
    with crash.smtp_sink() as (smtp_port, received), \
            live_stack(database_url=url, var_dir=args.out_dir / f"soak-stack-{db}", EMAIL_HOST="127.0.0.1",
                       EMAIL_PORT=str(smtp_port), SECRET_KEY=settings.SECRET_KEY, **server_settings()) as stack:
        stack.start_serve(workers=args.workers, threads=8, sweep_every=3)
        stack.start_worker()
        soak = Soak(stack, key, world.bob, minutes=args.minutes, workers=args.workers, kills=args.kills,
                    bulk_rows=args.bulk_rows, work_dir=args.out_dir, seed=args.seed,
                    sample_every=max(2.0, min(15.0, args.minutes * 60 / 100)),
                    say=lambda message: common.say(f"[{db}] {message}"), drain_seconds=args.drain_minutes * 60)
        report = soak.run(lambda: list(received))
    problems = report.problems()
    summary = report.table()
    common.say(f"[{db}] done in {time.monotonic() - began:.0f} s\n{summary}")
    common.say(f"[{db}] " + ("OK" if not problems else "PROBLEMS:\n" + "\n".join(problems)))
    args.result_file.write_text(json.dumps({"db": db, "server": server, "ok": not problems, "problems": problems,
                                            "summary": summary}, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
