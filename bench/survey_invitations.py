"""Survey invitation benchmark: invite 100,000 area subscribers of a district, through two task workers to SMTP.

    python bench/survey_invitations.py [--subscribers 100000] [--workers 2] [--no-record]

SQLite by default (a fresh file under CIVICDESK_VAR_DIR, default bench/out/survey-invitations-var); PostgreSQL
when DATABASE_URL is set (it must point at an empty database: the benchmark migrates and fills it). The real
path end to end: `surveys.services.queue_invitations()` (what the staff page calls) → the `invite_audience`
task finds the audience (area subscribers whose area meets the district), writes Invitation rows and personal
link tokens and calls notify() per 1,000 → the workers send each delivery to a real SMTP server (aiosmtpd, in
this process). The SMTP sink, the subscriber loader and the worker processes are bench/alerts.py's.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parent.parent)]

import alerts  # noqa: E402  (bench/ is not a package: the SMTP sink, loader and workers live there)
import common  # noqa: E402

HEADER = ["database", "subscribers", "workers", "queued s", "all received s", "messages/s", "latency p50 s",
          "latency p99 s"]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=100_000, help="confirmed area subscribers in the district")
    parser.add_argument("--workers", type=int, default=2, help="`manage.py db_worker` processes")
    parser.add_argument("--timeout", type=float, default=7200, help="give up after this many seconds")
    parser.add_argument("--results", type=Path, default=common.RESULTS, help="markdown file results are appended to")
    parser.add_argument("--no-record", action="store_true", help="print the results without appending them")
    args = parser.parse_args(argv)
    if args.subscribers < 1 or args.workers < 1:
        parser.error("--subscribers and --workers must be positive")
    return args


def run(args: argparse.Namespace) -> dict:
    os.environ.setdefault("CIVICDESK_VAR_DIR", str(common.OUT_DIR / "survey-invitations-var"))
    database = alerts.setup_environment()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from civicdesk.notifications.models import Delivery
    from civicdesk.surveys import services
    from civicdesk.surveys.demo import build_park_survey
    from civicdesk.surveys.models import Survey
    from civicdesk.testing.world import build_world

    common.say(f"{database}: migrating")
    call_command("migrate", verbosity=0)
    world = build_world()
    common.say(f"{database}: inserting {args.subscribers:,} subscriptions")
    load_seconds = alerts.load_subscribers(args.subscribers, world)
    survey = build_park_survey(world.elm, respondents=Survey.Respondents.EMAIL)
    key = f"survey:{survey.pk}:invitation"
    sink = alerts.Sink()
    sink.controller.start()
    log_dir = Path(os.environ["CIVICDESK_VAR_DIR"])
    workers = alerts.start_workers(args.workers, sink.port, log_dir)
    connection.close()
    try:
        time.sleep(3)  # let the workers import Django and start polling before the clock starts
        began = time.time()
        services.queue_invitations(survey, user=None, district_ids=[world.west.pk], subscribers=True)
        queued_at = None
        deadline = began + args.timeout
        while sink.count() < args.subscribers and time.time() < deadline:
            if queued_at is None and Delivery.objects.filter(key=key).count() >= args.subscribers:
                queued_at = time.time()
            if any(worker.poll() is not None for worker in workers):
                raise RuntimeError(f"a worker stopped; see {log_dir}/alerts-worker-*.log")
            time.sleep(0.5)
        finished = time.time()
        created = dict(Delivery.objects.filter(key=key).values_list("address", "created_at"))
    finally:
        alerts.stop_workers(workers)
        sink.controller.stop()
    if queued_at is None:
        queued_at = max(c.timestamp() for c in created.values()) if created else finished
    latencies = sorted(sink.arrivals[address] - when.timestamp() for address, when in created.items()
                       if address in sink.arrivals)
    last = max(sink.arrivals.values()) if sink.arrivals else finished
    received = sink.count()
    return {"database": database, "subscribers": args.subscribers, "workers": args.workers, "received": received,
            "duplicates": sink.duplicates, "load_seconds": load_seconds, "queued_seconds": queued_at - began,
            "total_seconds": last - began, "rate": received / (last - began) if received else 0.0,
            "p50": common.percentile(latencies, 50), "p99": common.percentile(latencies, 99)}


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    load = os.getloadavg()
    fsync = common.fsync_ms(common.OUT_DIR if common.OUT_DIR.exists() else Path("/tmp"))
    result = run(args)
    table = common.markdown_table(HEADER, [[
        result["database"], result["subscribers"], result["workers"], result["queued_seconds"],
        result["total_seconds"], result["rate"], result["p50"], result["p99"]]])
    notes = (f"- received {result['received']:,} of {result['subscribers']:,} invitations, {result['duplicates']} "
             f"duplicates; {result['subscribers']:,} subscriptions bulk-inserted in {result['load_seconds']:.1f} s\n"
             "- queued: from queue_invitations() (the staff page's call) until every Delivery row existed (one "
             "invite_audience task: audience, Invitation rows, personal link tokens, notify() per 1,000); all "
             "received: until the SMTP server had the last invitation; latency: per message, from its Delivery "
             "row's created_at to its arrival")
    common.say("")
    common.say(table)
    common.say(notes)
    if not args.no_record:
        entry = (f"\n## {common.now_utc()} · commit {common.git_commit()}\n\n"
                 f"`python bench/survey_invitations.py --subscribers {args.subscribers} --workers {args.workers}` on "
                 f"{common.machine(load, fsync)}.\n\n{table}\n\n{notes}\n")
        with args.results.open("a", encoding="utf-8") as handle:
            handle.write(entry)
        common.say(f"appended to {args.results}")
    return 0 if result["received"] == result["subscribers"] and not result["duplicates"] else 1


if __name__ == "__main__":
    sys.exit(main())
