"""Intake benchmark: submit_request() throughput and p50/p99 latency with 1,000,000 requests already stored.

    python bench/intake.py [--size 1000000] [--submissions 2000] [--db sqlite|postgres|both]

Each database is set up and measured in its own subprocess (settings are read
from the environment at django.setup()). bench/README.md says what each number means.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import multiprocessing
import os
import subprocess
import sys
import time
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parent.parent)]

import common  # noqa: E402  (bench/ is not a package; its modules import each other by name)

WARMUP = 10
RUN_HEADER = ["database", "stored rows", "processes", "submissions", "throughput req/s", "p50 ms", "p99 ms",
              "max ms"]
TIMELINE_NOTE = 'one public "submitted" timeline entry each (no audit entries, no queued tasks)'


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000, help="requests stored before measuring")
    parser.add_argument("--submissions", type=int, default=2000, help="timed submit_request() calls per run")
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--processes", type=int, default=2, help="processes submitting at once in the second run")
    parser.add_argument("--seed", type=int, default=311, help="seed for the stored and submitted requests")
    parser.add_argument("--pg-fsync", choices=["on", "off"], default="on",
                        help="fsync, synchronous_commit and full_page_writes of the throwaway PostgreSQL")
    parser.add_argument("--out-dir", type=Path, default=common.OUT_DIR, help="databases and logs go here")
    parser.add_argument("--results", type=Path, default=common.RESULTS, help="markdown file results are appended to")
    parser.add_argument("--no-record", action="store_true", help="print the results without appending them")
    parser.add_argument("--keep", action="store_true", help="keep the SQLite database in --out-dir afterwards")
    parser.add_argument("--worker", choices=["sqlite", "postgres"], help=argparse.SUPPRESS)
    parser.add_argument("--result-file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.size < 1 or args.submissions < args.processes or args.processes < 1:
        parser.error("--size must be positive and --submissions at least --processes")
    args.out_dir = args.out_dir.resolve()
    return args


say = common.say


# --- The parent: one database at a time, each in a fresh subprocess ---------------------------------------------

@contextlib.contextmanager
def database_url(db: str, args: argparse.Namespace) -> Iterator[str]:
    """A URL of an empty database of kind `db`, removed afterwards when this run created it
    (a SQLite file stays with --keep); see common.database_url."""
    with common.database_url(db, f"intake-{args.size}", args.out_dir, pg_fsync=args.pg_fsync,
                             keep=getattr(args, "keep", False)) as url:
        yield url


def run_in_subprocess(db: str, url: str, args: argparse.Namespace) -> dict[str, Any]:
    """Run the worker for one database with Django configured through the environment; return its results."""
    return common.run_worker(Path(__file__).resolve(), db, url, args.out_dir, [
        "--size", str(args.size), "--submissions", str(args.submissions), "--processes", str(args.processes),
        "--seed", str(args.seed), "--out-dir", str(args.out_dir)])


def render(results: list[dict[str, Any]], args: argparse.Namespace, machine: str) -> str:
    """The markdown section printed at the end and appended to RESULTS.md."""
    command = f"python bench/intake.py --size {args.size} --submissions {args.submissions} --db {args.db}"
    if args.processes != 2:
        command += f" --processes {args.processes}"
    if args.pg_fsync != "on" and args.db != "sqlite":
        command += f" --pg-fsync {args.pg_fsync}"
    lines = [f"## {common.now_utc()} · commit {common.git_commit()}", "",
             f"`{command}` on {machine}.", ""]
    lines += [f"- {r['db']}: {r['server']}" for r in results]
    lines += ["", f"Stored before measuring: {args.size:,} requests, {TIMELINE_NOTE}, spread over a year "
              f"and three areas; {WARMUP} untimed warm-up submissions first.", ""]
    runs = [[r["db"], run["stored"], run["processes"], run["submissions"], run["throughput"], run["p50_ms"],
             run["p99_ms"], run["max_ms"]] for r in results for run in r["runs"]]
    lines += [common.markdown_table(RUN_HEADER, runs), ""]
    loads = [[r["db"], r["load"]["rows"], r["load"]["method"], r["load"]["seconds"], r["load"]["rows_per_second"]]
             for r in results]
    lines += [common.markdown_table(["database", "requests loaded", "load method", "seconds", "rows/s"], loads), ""]
    codes = list(results[0]["queries"])
    queries = [[r["db"], *(r["queries"][code] for code in codes)] for r in results]
    lines += ["SQL queries in one submit_request(), by service type:", "",
              common.markdown_table(["database", *codes], queries), ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.worker:
        return worker(args)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    machine = common.machine(os.getloadavg(), common.fsync_ms(args.out_dir))
    results = []
    for db in ["sqlite", "postgres"] if args.db == "both" else [args.db]:
        try:
            with database_url(db, args) as url:
                results.append(run_in_subprocess(db, url, args))
        except (RuntimeError, subprocess.CalledProcessError) as exc:
            say(f"intake benchmark on {db} failed: {exc}")
            return 1
    report = render(results, args, machine)
    say("\n" + report)
    if not args.no_record:
        with args.results.open("a", encoding="utf-8") as handle:
            handle.write("\n" + report)
        say(f"appended to {args.results}")
    return 0


# --- The worker: set up, load, measure ---------------------------------------------------------------------------

def worker(args: argparse.Namespace) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from civicdesk.servicerequests.models import ServiceRequest
    from civicdesk.testing.world import build_world

    import workload

    db = args.worker
    call_command("migrate", verbosity=0, interactive=False)
    city = workload.bench_city(build_world())
    say(f"[{db}] loading {args.size:,} requests ({TIMELINE_NOTE}) ...")
    load = workload.load_history(city, args.size, args.seed)
    say(f"[{db}] loaded {load.rows:,} requests in {load.seconds:.1f} s ({load.rows_per_second:,.0f} rows/s, "
        f"{load.method})")
    settle()
    timed = workload.submissions(city, WARMUP + 2 * args.submissions, args.seed + 1)
    warmup, single, concurrent = timed[:WARMUP], timed[WARMUP:WARMUP + args.submissions], timed[-args.submissions:]
    run_calls(warmup)
    queries = count_queries(city, args.seed + 2, args.out_dir / f"intake-queries-{db}.txt", db)
    runs = []
    for processes, calls in ((1, single), (args.processes, concurrent)):
        stored = ServiceRequest.objects.count()
        say(f"[{db}] timing {len(calls):,} submissions in {processes} process(es) ...")
        if processes == 1:
            latencies, seconds = run_calls(calls, progress=f"[{db}]")
        else:
            latencies, seconds = run_in_processes(calls, processes)
        runs.append(summarize(stored, processes, latencies, seconds))
        run = runs[-1]
        say(f"[{db}] {processes} process(es): {run['throughput']:.1f} req/s, p50 {run['p50_ms']:.2f} ms, "
            f"p99 {run['p99_ms']:.2f} ms, max {run['max_ms']:.2f} ms")
    result = {"db": db, "server": describe_server(connection), "runs": runs, "queries": queries,
              "load": {"rows": load.rows, "seconds": load.seconds, "rows_per_second": load.rows_per_second,
                       "method": load.method}}
    args.result_file.write_text(json.dumps(result, indent=2), encoding="utf-8")
    return 0


settle = common.settle
describe_server = common.describe_server


def run_calls(calls: list[dict[str, Any]], progress: str = "") -> tuple[list[float], float]:
    """Call submit_request() once per keyword set; return each call's seconds and the wall-clock total.

    With a `progress` label, say how far it got after each fifth of the calls (a full run is long).
    """
    from civicdesk.servicerequests.services import submit_request

    latencies = []
    fifth = max(1, len(calls) // 5)
    started = time.perf_counter()
    for done, kwargs in enumerate(calls, start=1):
        began = time.perf_counter()
        submit_request(**kwargs)
        latencies.append(time.perf_counter() - began)
        if progress and done % fifth == 0 and done < len(calls):
            say(f"{progress} {done:,}/{len(calls):,} calls in {time.perf_counter() - started:.0f} s")
    return latencies, time.perf_counter() - started


def _submit_in_child(calls: list[dict[str, Any]], barrier, queue) -> None:
    from django.db import connection

    try:
        connection.ensure_connection()  # an app server's connection is open before requests arrive
        barrier.wait()
        started = time.perf_counter()
        latencies, _ = run_calls(calls)
        queue.put((started, time.perf_counter(), latencies, ""))
    except Exception:  # the parent reports it; a child must not die silently and hang the run
        queue.put((0.0, 0.0, [], traceback.format_exc()))
    finally:
        connection.close()


def run_in_processes(calls: list[dict[str, Any]], processes: int) -> tuple[list[float], float]:
    """Split the calls over forked processes that start together, like app servers sharing one database.

    Returns every call's seconds and the wall-clock time from the common start to the last finish
    (perf_counter is the system-wide monotonic clock on Linux, so children's readings compare).
    """
    from django.db import connections

    connections.close_all()  # a connection must never be shared across fork
    context = multiprocessing.get_context("fork")
    barrier, queue = context.Barrier(processes), context.Queue()
    children = [context.Process(target=_submit_in_child, args=(calls[i::processes], barrier, queue))
                for i in range(processes)]
    for child in children:
        child.start()
    reports = [queue.get(timeout=3600) for _ in children]
    for child in children:
        child.join()
    errors = [error for *_, error in reports if error]
    if errors:
        raise RuntimeError("a submitting process failed:\n" + errors[0])
    latencies = [value for _, _, values, _ in reports for value in values]
    return latencies, max(end for _, end, _, _ in reports) - min(start for start, _, _, _ in reports)


def summarize(stored: int, processes: int, latencies: list[float], seconds: float) -> dict[str, Any]:
    ordered = sorted(latencies)
    return {"stored": stored, "processes": processes, "submissions": len(ordered), "seconds": seconds,
            "throughput": len(ordered) / seconds, "p50_ms": common.percentile(ordered, 50) * 1000,
            "p99_ms": common.percentile(ordered, 99) * 1000, "max_ms": ordered[-1] * 1000}


def count_queries(city, seed: int, log_path: Path, db: str) -> dict[str, int]:
    """Submit one request of each service type, counting its SQL queries; write them and the plans of
    the ones that read the requests table (the only ones whose cost can grow with its size) to `log_path`.
    """
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    import workload

    counts, lines = {}, []
    pool = workload.submissions(city, 500, seed)
    for kind in city.kinds:
        code = kind.service_type.code
        call = next(c for c in pool if c["service_type"] == kind.service_type)
        with CaptureQueriesContext(connection) as captured:
            run_calls([call])
        counts[code] = len(captured.captured_queries)
        lines.append(f"== {code}: {counts[code]} queries")
        for query in captured.captured_queries:
            lines.append(f"-- {float(query['time']) * 1000:.2f} ms\n{query['sql']}")
            if query["sql"].startswith("SELECT") and '"servicerequests_servicerequest"' in query["sql"]:
                plan = explain(connection, query["sql"])
                lines.append("   plan:\n" + plan)
                say(f"[{db}] plan of a {code} look-up in the requests table:\n{plan}")
    log_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    say(f"[{db}] queries per submit_request(): {counts} (SQL and plans in {log_path})")
    return counts


def explain(connection, sql: str) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            return "\n".join("   " + row[0] for row in cursor.fetchall())
        cursor.execute("EXPLAIN QUERY PLAN " + sql)
        return "\n".join(f"   {row[-1]}" for row in cursor.fetchall())


if __name__ == "__main__":
    sys.exit(main())
