"""Survey invitation benchmark: invite 100,000 area subscribers of a district, through two task workers to SMTP.

    python bench/survey_invitations.py [--subscribers 100000] [--workers 2] [--no-record]

SQLite by default (a fresh file under CIVICDESK_VAR_DIR, default bench/out/survey-invitations-var); PostgreSQL
when DATABASE_URL is set (it must point at an empty database: the benchmark migrates and fills it). The real
path end to end: `surveys.services.queue_invitations()` (what the staff page calls) → the `invite_audience`
task finds the audience (area subscribers whose area meets the district) and enqueues an `invite_chunk` task per
1,000 (Invitation rows, personal link tokens, one notify() each) → the workers send each delivery to a real SMTP server (aiosmtpd, in
this process). The SMTP sink, the subscriber loader and the worker processes are bench/alerts.py's.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parent.parent)]

import alerts
import common

HEADER = ["database", "subscribers", "workers", "queued s", "all received s", "messages/s", "latency p50 s",
          "latency p99 s"]


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
        timings = alerts.wait_for_messages(sink, workers, Delivery.objects.filter(key=key), expected=args.subscribers,
                                           began=began, timeout=args.timeout, log_dir=log_dir)
    finally:
        alerts.stop_workers(workers)
        sink.controller.stop()
    return {"database": database, "subscribers": args.subscribers, "workers": args.workers,
            "load_seconds": load_seconds, **timings}


def main(argv: list[str] | None = None) -> int:
    args = alerts.parse_args(argv, doc=__doc__)
    load = os.getloadavg()
    fsync = common.fsync_ms(common.OUT_DIR if common.OUT_DIR.exists() else Path("/tmp"))
    result = run(args)
    table = common.markdown_table(HEADER, [[
        result["database"], result["subscribers"], result["workers"], result["queued_seconds"],
        result["total_seconds"], result["rate"], result["p50"], result["p99"]]])
    notes = (f"- received {result['received']:,} of {result['subscribers']:,} invitations, {result['duplicates']} "
             f"duplicates; {result['subscribers']:,} subscriptions bulk-inserted in {result['load_seconds']:.1f} s\n"
             "- queued: from queue_invitations() (the staff page's call) until every Delivery row existed (an "
             "invite_audience task finds the audience, then one invite_chunk task per 1,000: Invitation rows, "
             "personal link tokens, one notify()); all "
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
