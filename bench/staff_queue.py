"""Staff queue benchmark: first page, keyset second page and capped counts, p50/p99, at 1,000,000 requests.

    python bench/staff_queue.py [--size 1000000] [--calls 300] [--db sqlite|postgres|both]

Each database is set up and measured in its own subprocess, as in bench/intake.py
(same loader: bench/workload.py). "rows" is what a call read: the rows of a page, or the sum of the
capped counts; "SQL queries" is what one call issued (seats, page and prefetches, or one count per queue).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parent.parent)]

import common  # noqa: E402  (bench/ is not a package; its modules import each other by name)

WARMUP = 5
HEADER = ["database", "stored rows", "measurement", "calls", "rows", "SQL queries", "p50 ms", "p99 ms", "max ms"]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = common.bench_parser(__doc__, calls=300, keep=True)
    return common.checked(parser, parser.parse_args(argv))


say = common.say


def render(results: list[dict[str, Any]], args: argparse.Namespace, machine: str) -> str:
    """The markdown section printed at the end and appended to RESULTS.md."""
    command = f"python bench/staff_queue.py --size {args.size} --calls {args.calls} --db {args.db}"
    lines = common.results_heading(command, machine, results)
    lines += ["", f"Stored before measuring: {args.size:,} requests (bench/workload.py). Seen as bob, staff of "
              "Elm Public Works; each call builds the queryset the way the queue page does (joins and "
              f"prefetches included) and reads it whole; {WARMUP} untimed warm-up calls first.", ""]
    rows = [[r["db"], r["stored"], m["name"], m["calls"], m["rows"], m["queries"], m["p50_ms"], m["p99_ms"],
             m["max_ms"]] for r in results for m in r["measurements"]]
    lines += [common.markdown_table(HEADER, rows), ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.worker:
        return worker(args)
    options = ["--size", str(args.size), "--calls", str(args.calls), "--seed", str(args.seed),
               "--out-dir", str(args.out_dir)]
    return common.run_benchmark(args, label="queue", script=Path(__file__).resolve(), render=render,
                                worker_options=options, keep=args.keep)


# --- The worker: set up, load, measure ---------------------------------------------------------------------------

def measurements(user, world) -> list[tuple[str, Any]]:
    """(name, callable returning how many rows it read) for each thing the queue page does."""
    from civicdesk.staff import services

    def first_page(key: str, **filters):
        queryset = services.queue(user, key).filter(**filters)
        queryset = queryset.select_related(*services.LIST_JOINS).prefetch_related(*services.LIST_PREFETCH)
        return services.page_of(queryset, sort="newest", size=services.PAGE_SIZE)

    cursor = first_page("department").next_cursor
    filtered_cursor = first_page("department", service_type_id=world.pothole.pk).next_cursor

    def second_page(key: str, after: str, **filters):
        queryset = services.queue(user, key).filter(**filters)
        queryset = queryset.select_related(*services.LIST_JOINS).prefetch_related(*services.LIST_PREFETCH)
        return services.page_of(queryset, sort="newest", cursor=after, size=services.PAGE_SIZE)

    return [
        ("first page, my department", lambda: len(first_page("department").rows)),
        ("first page, my department, pothole filter",
         lambda: len(first_page("department", service_type_id=world.pothole.pk).rows)),
        ("second page (keyset), my department", lambda: len(second_page("department", cursor).rows)),
        ("second page (keyset), my department, pothole",
         lambda: len(second_page("department", filtered_cursor, service_type_id=world.pothole.pk).rows)),
        ("capped counts of all queues", lambda: sum(row["count"] for row in services.queue_counts(user))),
    ]


def worker(args: argparse.Namespace) -> int:
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from civicdesk.servicerequests.models import ServiceRequest

    import workload

    db = args.worker
    world, city, load = workload.loaded_world(db, args.size, args.seed, say)
    common.settle()
    user = world.bob
    results = []
    for name, call in measurements(user, world):
        for _ in range(WARMUP):
            call()
        user._staff_seats = None  # like a new web request: seats are read again on each call
        with CaptureQueriesContext(connection) as captured:
            rows = call()
        queries = len(captured.captured_queries)
        latencies = []
        for _ in range(args.calls):
            user._staff_seats = None
            began = time.perf_counter()
            call()
            latencies.append(time.perf_counter() - began)
        ordered = sorted(latencies)
        results.append({"name": name, "calls": len(ordered), "rows": rows, "queries": queries,
                        "p50_ms": common.percentile(ordered, 50) * 1000,
                        "p99_ms": common.percentile(ordered, 99) * 1000, "max_ms": ordered[-1] * 1000})
        say(f"[{db}] {name}: {rows} rows, {queries} queries, p50 {results[-1]['p50_ms']:.2f} ms, "
            f"p99 {results[-1]['p99_ms']:.2f} ms")
    result = {"db": db, "server": common.describe_server(connection), "stored": ServiceRequest.objects.count(),
              "measurements": results}
    args.result_file.write_text(json.dumps(result, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
