"""Forum thread page benchmark: p50/p99 of the page with 10,000 published replies (and some hidden ones).

    python bench/forum_thread.py [--size 10000] [--calls 200] [--db sqlite|postgres|both]

Each database is set up and measured in its own subprocess, as in bench/staff_queue.py. The worker migrates
a new database, builds the test world, a board and one thread with `--size` published replies (plus one
hidden reply in twenty, which every page must skip) by bulk insert, settles, then requests the thread page
through Django's test client (the whole view and template, in process, no network): the first page, a page
in the middle and `?page=last` (50 replies a page: a COUNT and an OFFSET read on the index
forums_reply_page). "SQL queries" is what one page issued; "bytes" the page's size.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from pathlib import Path
from typing import Any

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parent.parent)]

import common  # noqa: E402  (bench/ is not a package; its modules import each other by name)

WARMUP = 5
HIDDEN_EVERY = 20
HEADER = ["database", "replies", "page", "calls", "SQL queries", "bytes", "p50 ms", "p99 ms", "max ms"]

say = common.say


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = common.bench_parser(__doc__, size=10_000, size_help="published replies in the thread", calls=200,
                                 keep=True)
    return common.checked(parser, parser.parse_args(argv))


def render(results: list[dict[str, Any]], args: argparse.Namespace, machine: str) -> str:
    command = f"python bench/forum_thread.py --size {args.size} --calls {args.calls} --db {args.db}"
    lines = common.results_heading(command, machine, results)
    lines += ["", f"One thread with {args.size:,} published replies (and one hidden reply per {HIDDEN_EVERY - 1} "
              "published), read through Django's test client (view and template in process); "
              f"{WARMUP} untimed warm-up calls per page.", ""]
    rows = [[r["db"], r["replies"], m["name"], m["calls"], m["queries"], m["bytes"], m["p50_ms"], m["p99_ms"],
             m["max_ms"]] for r in results for m in r["measurements"]]
    lines += [common.markdown_table(HEADER, rows), ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.worker:
        return worker(args)
    options = ["--size", str(args.size), "--calls", str(args.calls), "--out-dir", str(args.out_dir)]
    return common.run_benchmark(args, label="forum", script=Path(__file__).resolve(), render=render,
                                worker_options=options, keep=args.keep)


def load_thread(world, size: int):
    """A board, a thread and `size` published replies (plus hidden ones), inserted in batches."""
    from django.utils import timezone

    from civicdesk.forums.models import Board, Reply, Thread
    from civicdesk.lib.markdown import render as markdown
    from civicdesk.moderation.models import ModerationState

    board = Board.objects.create(jurisdiction=world.elm, slug="bench", name="Bench board")
    start = timezone.now() - dt.timedelta(days=30)
    thread = Thread.objects.create(board=board, author=world.alice, title="A long discussion", body="Start",
                                   body_html=markdown("Start"), published_at=start, created_at=start)
    body = "A reply with **some** words and a [link](https://example.org) in it.\n\n- one\n- two"
    html = str(markdown(body))
    batch, made = [], 0
    n = 0
    while made < size:
        n += 1
        hidden = n % HIDDEN_EVERY == 0
        moment = start + dt.timedelta(seconds=n * 30)
        batch.append(Reply(thread=thread, author=world.alice if n % 2 else world.mallory, body=body, body_html=html,
                           created_at=moment, published_at=None if hidden else moment,
                           moderation_state=ModerationState.HIDDEN if hidden else ModerationState.PUBLISHED))
        made += 0 if hidden else 1
        if len(batch) == 2000:
            Reply.objects.bulk_create(batch)
            batch = []
    Reply.objects.bulk_create(batch)
    return thread


def worker(args: argparse.Namespace) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings

    from civicdesk.forums.views import REPLIES_PER_PAGE
    from civicdesk.testing.world import build_world

    db = args.worker
    call_command("migrate", verbosity=0, interactive=False)
    world = build_world()
    began = time.perf_counter()
    thread = load_thread(world, args.size)
    say(f"[{db}] {args.size:,} replies stored in {time.perf_counter() - began:.1f} s")
    common.settle()
    client = Client()
    pages = max(1, -(-args.size // REPLIES_PER_PAGE))
    url = thread.get_absolute_url()
    results = []
    static = {"staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
              "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
    with override_settings(STORAGES=static, ALLOWED_HOSTS=["127.0.0.1"], RATE_LIMITS_ENABLED=False):
        for name, query in [("first page", ""), ("middle page", f"?page={max(1, pages // 2)}"),
                            ("last page", "?page=last")]:
            def call() -> int:
                response = client.get(url + query, HTTP_HOST="127.0.0.1")
                assert response.status_code == 200, response.status_code
                return len(response.content)

            for _ in range(WARMUP):
                call()
            counted = []

            def count(execute, sql, params, many, context):
                counted.append(sql)
                return execute(sql, params, many, context)

            # An execute wrapper, not CaptureQueriesContext: it survives the connection being reopened.
            with connection.execute_wrapper(count):
                size = call()
            latencies = []
            for _ in range(args.calls):
                start = time.perf_counter()
                call()
                latencies.append(time.perf_counter() - start)
            ordered = sorted(latencies)
            results.append({"name": name, "calls": len(ordered), "queries": len(counted),
                            "bytes": size, "p50_ms": common.percentile(ordered, 50) * 1000,
                            "p99_ms": common.percentile(ordered, 99) * 1000, "max_ms": ordered[-1] * 1000})
            say(f"[{db}] {name}: {results[-1]['queries']} queries, p50 {results[-1]['p50_ms']:.1f} ms, "
                f"p99 {results[-1]['p99_ms']:.1f} ms")
    result = {"db": db, "server": common.describe_server(connection), "replies": args.size,
              "measurements": results}
    args.result_file.write_text(json.dumps(result, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
