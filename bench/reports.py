"""Monthly report benchmark: compute_report() and the PDF for the last complete month, at 1,000,000 requests.

    python bench/reports.py [--size 1000000] [--calls 5] [--db sqlite|postgres|both]

Each database is set up and measured in its own subprocess, as in bench/staff_queue.py (same loader:
bench/workload.py, a year of requests spread evenly, so one month holds about a twelfth of them). Measured
for each jurisdiction of the test world: `compute_report()` (all figures: "rows" is the month's received
requests, "SQL queries" what one call issued) and `render_report_pdf()` of the stored figures (no SQL).
The scheduled task does both once a month per jurisdiction; nothing here is on a page's request path.
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

WARMUP = 1
HEADER = ["database", "stored rows", "measurement", "calls", "rows", "SQL queries", "p50 ms", "p99 ms", "max ms"]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = common.bench_parser(__doc__, calls=5, keep=True, label=True)
    return common.checked(parser, parser.parse_args(argv))


say = common.say


def render(results: list[dict[str, Any]], args: argparse.Namespace, machine: str) -> str:
    """The markdown section printed at the end and appended to RESULTS.md."""
    command = f"python bench/reports.py --size {args.size} --calls {args.calls} --db {args.db}"
    label = f" · {args.label}" if args.label else ""
    lines = [f"## {common.now_utc()} · commit {common.git_commit()}{label}", "", f"`{command}` on {machine}.", ""]
    lines += [f"- {r['db']}: {r['server']}" for r in results]
    lines += ["", f"Stored before measuring: {args.size:,} requests over a year (bench/workload.py). Monthly "
              f"report of the last complete month per jurisdiction; {WARMUP} untimed warm-up call first.", ""]
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
    return common.run_benchmark(args, label="reports", script=Path(__file__).resolve(), render=render,
                                worker_options=options, keep=args.keep)


# --- The worker: set up, load, measure ---------------------------------------------------------------------------

def timed(call, calls: int) -> tuple[list[float], Any]:
    for _ in range(WARMUP):
        value = call()
    latencies = []
    for _ in range(calls):
        began = time.perf_counter()
        value = call()
        latencies.append(time.perf_counter() - began)
    return sorted(latencies), value


def worker(args: argparse.Namespace) -> int:
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from civicdesk.reports import services
    from civicdesk.reports.models import MonthlyReport
    from civicdesk.reports.pdf import render_report_pdf
    from civicdesk.servicerequests.models import ServiceRequest

    import workload

    db = args.worker
    world, city, load = workload.loaded_world(db, args.size, args.seed, say)
    common.settle()
    results = []
    for jurisdiction in (world.elm, world.county):
        month = services.last_complete_month(jurisdiction, timezone.now())
        with CaptureQueriesContext(connection) as captured:
            data = services.compute_report(jurisdiction, month)
        queries = len(captured.captured_queries)
        ordered, data = timed(lambda: services.compute_report(jurisdiction, month), args.calls)
        results.append({"name": f"compute_report, {jurisdiction.name} {month:%Y-%m}", "calls": len(ordered),
                        "rows": data["received"], "queries": queries,
                        "p50_ms": common.percentile(ordered, 50) * 1000,
                        "p99_ms": common.percentile(ordered, 99) * 1000, "max_ms": ordered[-1] * 1000})
        say(f"[{db}] {results[-1]['name']}: {data['received']} received, {queries} queries, "
            f"p50 {results[-1]['p50_ms']:.1f} ms")
        report = MonthlyReport(jurisdiction=jurisdiction, month=month, data=data, generated_at=timezone.now())
        ordered, pdf = timed(lambda: render_report_pdf(report), args.calls)
        results.append({"name": f"PDF, {jurisdiction.name} ({len(pdf) // 1024} KB)", "calls": len(ordered),
                        "rows": 0, "queries": 0, "p50_ms": common.percentile(ordered, 50) * 1000,
                        "p99_ms": common.percentile(ordered, 99) * 1000, "max_ms": ordered[-1] * 1000})
        say(f"[{db}] {results[-1]['name']}: p50 {results[-1]['p50_ms']:.1f} ms")
    result = {"db": db, "server": common.describe_server(connection), "stored": ServiceRequest.objects.count(),
              "measurements": results}
    args.result_file.write_text(json.dumps(result, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
