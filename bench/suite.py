"""`make bench`: the city-scale suite. Write throughput against its ceilings, read paths at scale, the importer.

    python bench/suite.py [--size 1000000] [--pg-size 10000000] [--db sqlite|postgres|both] [--quick]

For each database, in a fresh subprocess whose Django settings come from the
environment: migrate, build the shared test world, store a year of history
(--size requests on SQLite, --pg-size on PostgreSQL), settle, then

1. **Writes over HTTP.** `manage.py serve --workers 2 --no-worker` (gunicorn as `serve` runs it) with
   BENCH_ENDPOINTS=true, loaded for --duration seconds per endpoint by --client-processes processes of
   --clients threads in all (each thread one HTTP/1.1 connection, one request at a time): the trivial
   endpoint, the bare one-row insert, Open311 POST requests.json and the web form's submit, then the two
   submission paths again at a hot spot of --hot-spot open requests of their kind.
2. **Reads at scale**, one call at a time: tracking page (HTTP), Open311 requests.json window (HTTP),
   staff queue first page, nearby-open look-up, dashboard counts (in process, through the services).
3. **Importer.** A generated NYC-shaped CSV through `manage.py import_311 --format nyc` when that command
   exists, against the raw bulk-insert rate of the same rows into a bare table (COPY / executemany).

One table per bench is printed and appended to bench/RESULTS.md; bench/README.md says what every column means.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import math
import multiprocessing
import os
import random
import re
import subprocess
import sys
import threading
import time
import traceback
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parent.parent)]

import common  # noqa: E402  (bench/ is not a package; its modules import each other by name)

JURISDICTION = "elm.example.gov"
WRITE_HEADER = ["database", "stored rows", "endpoint", "clients", "requests", "errors", "req/s", "p50 ms", "p99 ms",
                "max ms", "% of ceiling", "change at the hot spot", "target (issue 15)", "met"]
READ_HEADER = ["database", "stored rows", "read path", "calls", "rows", "SQL queries", "p50 ms", "p99 ms", "max ms",
               "target (issue 15)", "met"]
#: Issue 15's throughput targets: the share of its ceiling's rate an endpoint must reach, and the p99 it must keep.
SUBMISSION_SHARE, SUBMISSION_P99_MS, HOT_SPOT_DROP, PAGE_SHARE = 0.50, 200.0, 0.10, 0.50
#: Issue 15's read targets, p99 in milliseconds (at 1,000,000 requests on SQLite and 10,000,000 on PostgreSQL).
READ_TARGETS_MS = {"tracking": 20.0, "open311": 50.0, "queue": 50.0, "count": 50.0}
#: The public pages anonymous visitors reload, loaded as a browser asks them the first time (a full page) and
#: again (a conditional GET with the page's ETag, answered 304 Not Modified).
PAGES = {"home": ("home page (GET /)", "/"), "track": ("tracking page (GET /requests/<id>/)", None),
         "notices": ("service notices (GET /notices/)", "/notices/"),
         "report": ("report form, first step (GET /report/)", "/report/")}
IMPORT_HEADER = ["database", "stored rows", "load", "rows", "seconds", "rows/s", "% of raw", "target rows/s",
                 "ratio to target"]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000, help="requests stored on SQLite")
    parser.add_argument("--pg-size", type=int, default=10_000_000, help="requests stored on PostgreSQL")
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--quick", action="store_true",
                        help="a short smoke run: 20,000 stored, 5 s per endpoint, 50 calls per read, 5,000 imported")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds of load per HTTP endpoint")
    parser.add_argument("--clients", type=int, default=4, help="concurrent HTTP connections in all")
    parser.add_argument("--client-processes", type=int, default=2, help="load-generator processes")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--calls", type=int, default=300, help="timed calls per read path")
    parser.add_argument("--import-rows", type=int, default=200_000, help="rows in the generated NYC CSV")
    parser.add_argument("--loader", choices=["workload", "generate_requests"], default="workload",
                        help="how the history is stored: bench/workload.py's COPY/executemany loader (default, "
                             "the faster), or `manage.py generate_requests --rebuild-indexes` (richer timelines)")
    parser.add_argument("--hot-spot", type=int, default=500,
                        help="open requests of one kind stored within its duplicate radius of each hot spot before "
                             "the hot-spot write loads")
    parser.add_argument("--hot-spots", type=int, default=150,
                        help="hot spots the hot-spot loads visit in turn, so each stays near --hot-spot open requests "
                             "while every submission adds one (default 150: about 7,000 submissions add under 10%%)")
    parser.add_argument("--seed", type=int, default=311)
    parser.add_argument("--pg-fsync", choices=["on", "off"], default="on",
                        help="fsync, synchronous_commit and full_page_writes of the throwaway PostgreSQL")
    parser.add_argument("--out-dir", type=Path, default=common.OUT_DIR, help="databases and logs go here")
    parser.add_argument("--results", type=Path, default=common.RESULTS, help="markdown file results are appended to")
    parser.add_argument("--no-record", action="store_true", help="print the results without appending them")
    parser.add_argument("--skip", action="append", default=[], choices=["writes", "reads", "import"],
                        help="leave a bench out (repeatable)")
    parser.add_argument("--worker", choices=["sqlite", "postgres"], help=argparse.SUPPRESS)
    parser.add_argument("--result-file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.quick:
        args.size = min(args.size, 20_000)
        args.pg_size = min(args.pg_size, 20_000)
        args.duration, args.calls, args.import_rows = min(args.duration, 5.0), min(args.calls, 50), \
            min(args.import_rows, 5_000)
    if min(args.size, args.pg_size, args.clients, args.client_processes, args.workers, args.calls) < 1 \
            or args.duration <= 0 or args.import_rows < 0 or args.hot_spot < 0 \
            or args.hot_spots < 1:
        parser.error("sizes, --clients, --client-processes, --workers, --calls and --duration must be positive")
    args.client_processes = min(args.client_processes, args.clients)
    args.out_dir = args.out_dir.resolve()
    return args


say = common.say


# --- The parent: one database at a time, each in a fresh subprocess ---------------------------------------------

def worker_options(args: argparse.Namespace, size: int) -> list[str]:
    options = ["--size", str(size), "--duration", str(args.duration), "--clients", str(args.clients),
               "--client-processes", str(args.client_processes), "--workers", str(args.workers),
               "--calls", str(args.calls), "--import-rows", str(args.import_rows), "--loader", args.loader,
               "--seed", str(args.seed), "--out-dir", str(args.out_dir), "--hot-spot", str(args.hot_spot),
               "--hot-spots", str(args.hot_spots)]
    for skipped in args.skip:
        options += ["--skip", skipped]
    return options


def render(results: list[dict[str, Any]], args: argparse.Namespace, load: tuple[float, float, float]) -> str:
    """The markdown entry printed at the end and appended to RESULTS.md."""
    facts = common.machine_facts()
    command = f"python bench/suite.py --db {args.db} --size {args.size} --pg-size {args.pg_size}" + \
        (" --quick" if args.quick else "") + \
        f" --duration {args.duration:g} --clients {args.clients} --calls {args.calls} --import-rows {args.import_rows}"
    lines = [f"## Suite · {common.now_utc()} · commit {common.git_commit()}", "",
             f"`{command}`", "",
             f"Machine: {facts['cpu']}, {facts['cores']} cores, {facts['ram']} RAM; Python {sys.version.split()[0]}; "
             f"load average {', '.join(f'{v:.1f}' for v in load)} before the run.", ""]
    lines += [f"- {r['db']}: {r['server']}; history stored by {r['load']['method']} "
              f"({r['load']['rows']:,} requests in {r['load']['seconds']:.0f} s)" for r in results]
    lines.append("")
    writes = [row for r in results for row in r.get("writes", [])]
    if writes:
        lines += [f"Writes over HTTP: `manage.py serve --workers {args.workers} --no-worker` (its gunicorn "
                  f"configuration, access log on), BENCH_ENDPOINTS=true; {args.clients} connections from "
                  f"{args.client_processes} "
                  f"load-generator processes on the same machine, {args.duration:g} s per endpoint after a "
                  f"warm-up. The hot-spot rows submit one kind within ~10 m of one of {args.hot_spots} points in "
                  f"turn, where {args.hot_spot} open requests of that kind lie within its duplicate radius (each "
                  "submission adds one there: a spot's count grows by the row's submissions ÷ spots).", "",
                  common.markdown_table(WRITE_HEADER, writes), ""]
    reads = [row for r in results for row in r.get("reads", [])]
    if reads:
        lines += ["Reads at scale, one call at a time after warm-up (HTTP rows through the same server; "
                  "the others in process through the services):", "", common.markdown_table(READ_HEADER, reads), ""]
    imports = [row for r in results for row in r.get("imports", [])]
    if imports:
        lines += ["Importer against the raw bulk-insert rate of the same rows (same database, same run):", "",
                  common.markdown_table(IMPORT_HEADER, imports), ""]
    notes = [note for r in results for note in r.get("notes", [])]
    lines += [f"- {note}" for note in notes]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.worker:
        return worker(args)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    load = os.getloadavg()
    results = []
    script = Path(__file__).resolve()
    for db in ["sqlite", "postgres"] if args.db == "both" else [args.db]:
        size = args.size if db == "sqlite" else args.pg_size
        # Enough connections for the server's workers, the bench process and the load generator.
        pg = {"max_connections": "60"}
        try:
            with common.database_url(db, f"suite-{size}", args.out_dir, pg_fsync=args.pg_fsync,
                                     pg_settings=pg) as url:
                results.append(common.run_worker(script, db, url, args.out_dir, worker_options(args, size)))
        except (RuntimeError, subprocess.CalledProcessError) as exc:
            say(f"bench suite on {db} failed: {exc}")
            return 1
    report = render(results, args, load)
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
    world = build_world()
    city = workload.bench_city(world)
    load = store_history(city, args)
    common.settle()
    stored = ServiceRequest.objects.count()
    result: dict[str, Any] = {"db": db, "server": common.describe_server(connection), "stored": stored,
                              "load": load, "notes": []}
    if "writes" not in args.skip:
        result["writes"] = write_bench(db, city, world, stored, args)
    if "reads" not in args.skip:
        result["reads"] = read_bench(db, city, world, args)
    if "import" not in args.skip:
        result["imports"], notes = import_bench(db, stored, args)
        result["notes"] += notes
    if args.loader == "generate_requests":
        result.setdefault("imports", []).insert(0, [db, 0, f"{load['method']} (the history)", load["rows"],
                                                    load["seconds"], load["rows"] / load["seconds"], "–",
                                                    *beside_target(db, "generate", load["rows"] / load["seconds"])])
    args.result_file.write_text(json.dumps(result, indent=2), encoding="utf-8")
    return 0


def has_command(name: str) -> bool:
    from django.core.management import get_commands

    return name in get_commands()


def store_history(city, args: argparse.Namespace) -> dict[str, Any]:
    """Store `--size` requests with bench/workload.py's loader or `manage.py generate_requests` (--loader)."""
    from django.core.management import call_command
    from django.db import connection

    import workload

    use_command = args.loader == "generate_requests"
    say(f"[{args.worker}] storing {args.size:,} requests ...")
    if use_command:
        began = time.perf_counter()
        call_command("generate_requests", args.size, seed=args.seed, rebuild_indexes=True, progress=False,
                     verbosity=0, stdout=io.StringIO())
        connection.close()
        seconds = time.perf_counter() - began
        method = "`manage.py generate_requests --rebuild-indexes`"
    else:
        report = workload.load_history(city, args.size, args.seed)
        seconds, method = report.seconds, f"bench/workload.py ({report.method})"
    say(f"[{args.worker}] stored in {seconds:.0f} s")
    return {"rows": args.size, "seconds": seconds, "method": method}


# --- 1. Writes over HTTP ------------------------------------------------------------------------------------------

def create_bench_table() -> None:
    """The bare table /bench/insert writes to (not part of any migration: it exists only in bench databases)."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("CREATE TABLE IF NOT EXISTS bench_insert "
                           "(id bigserial PRIMARY KEY, body text NOT NULL, created_at timestamptz NOT NULL)")
        else:
            cursor.execute("CREATE TABLE IF NOT EXISTS bench_insert "
                           "(id integer PRIMARY KEY AUTOINCREMENT, body text NOT NULL, created_at text NOT NULL)")


def _calls(city, count: int, seed: int, at=None) -> list[dict[str, Any]]:
    """`count` public submissions (workload.submissions); with `at` (kind, points, from hot_spots()) all of
    that kind, each within a few metres of the next point in turn."""
    import workload

    if at is None:
        return [c for c in workload.submissions(city, count * 2, seed) if not c["service_type"].is_private][:count]
    kind, points = at
    rng = random.Random(seed)
    calls = []
    for n, call in enumerate(workload.submissions(city, count, seed)):
        lat, long = points[n % len(points)]
        jitter = 10 / 111_000  # about 10 m
        calls.append({**call, "service_type": kind.service_type, "attributes": kind.answers(rng),
                      "lat": lat + rng.uniform(-jitter, jitter), "long": long + rng.uniform(-jitter, jitter)})
    return calls


def open311_bodies(city, key: str, count: int, seed: int, at=None) -> list[str]:
    """Form bodies for POST requests.json: varied public service types, places, answers and contacts (or one
    kind at one spot: `at`, see _calls)."""
    calls = _calls(city, count, seed, at)
    bodies = []
    for call in calls:
        form = {"api_key": key, "jurisdiction_id": JURISDICTION if call["lat"] < 5 else "maple.example.gov",
                "service_code": call["service_type"].code, "lat": f"{call['lat']:.6f}", "long": f"{call['long']:.6f}",
                "description": call["description"], "email": call["contact_email"], "phone": call["contact_phone"]}
        form.update({f"attribute[{code}]": value for code, value in call["attributes"].items()})
        bodies.append(urlencode({name: value for name, value in form.items() if value}))
    return bodies


def web_forms(city, count: int, seed: int, at=None) -> list[tuple[str, dict[str, str]]]:
    """(details path, form fields) for the web form's final step, as a browser posts it (pin already dropped)."""
    forms = []
    # The web form offers public service types only (a private type is reported through staff or the API key holder).
    for call in _calls(city, count, seed, at):
        code = call["service_type"].code
        fields = {"lat": f"{call['lat']:.6f}", "long": f"{call['long']:.6f}", "description": call["description"],
                  "email": call["contact_email"], "phone": call["contact_phone"]}
        fields.update({f"attribute_{name}": value for name, value in call["attributes"].items()})
        forms.append((f"/report/{code}/details/", {name: value for name, value in fields.items() if value}))
    return forms


CSRF_FIELD = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
CSRF_COOKIE = re.compile(r"csrftoken=([^;]+)")


def csrf_pair(port: int, path: str) -> tuple[str, str]:
    """(cookie, form token) from a first visit to a form page, as a browser gets them."""
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        content = response.read()
        cookie = CSRF_COOKIE.search(" ".join(response.headers.get_all("Set-Cookie") or []))
        token = CSRF_FIELD.search(content)
        if response.status != 200 or not cookie or not token:
            raise RuntimeError(f"GET {path} answered {response.status} without a CSRF cookie and token")
        return cookie.group(1), token.group(1).decode()
    finally:
        conn.close()


def send(port: int, kind: str, payload: Any, conn, csrf: tuple[str, str] | None) -> tuple[bool, int, bytes, float]:
    """One request of `kind` over `conn`; (succeeded, status, body, seconds)."""
    if kind == "noop":
        status, content, seconds = common.fetch(port, "GET", "/bench/noop", connection=conn)
        return status == 200, status, content, seconds
    if kind == "insert":
        status, content, seconds = common.fetch(port, "POST", "/bench/insert", payload, connection=conn)
        return status == 200, status, content, seconds
    if kind.startswith("open311"):
        status, content, seconds = common.fetch(port, "POST", "/open311/v2/requests.json", payload, connection=conn)
        return status == 200, status, content, seconds
    if kind.startswith("page-"):
        path, headers, expected = payload
        received: dict[str, str] = {}
        status, content, seconds = common.fetch(port, "GET", path, connection=conn, headers=headers,
                                                received=received)
        if expected == 304 and status == 200 and received.get("etag"):
            # The page changed since (a page that says "5 minutes ago" changes each minute): the browser shows
            # the new page and sends its new ETag next time.
            headers["If-None-Match"] = received["etag"]
            return True, status, content, seconds
        return status == expected, status, content, seconds
    path, fields = payload
    cookie, token = csrf
    status, content, seconds = common.fetch(
        port, "POST", path, urlencode({**fields, "csrfmiddlewaretoken": token}), connection=conn,
        headers={"Cookie": f"csrftoken={cookie}", "Referer": f"http://127.0.0.1:{port}{path}"})
    return status == 302, status, content, seconds  # a successful submit redirects to the tracking page


def _client_process(port: int, kind: str, payloads: list, threads: int, start_at: float, stop_at: float,
                    queue) -> None:
    """A load-generator process: `threads` connections, each sending one request after another."""
    import http.client

    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()

    def run(offset: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            csrf = csrf_pair(port, payloads[0][0]) if kind.startswith("web") else None
        except (OSError, RuntimeError) as exc:
            with lock:
                errors.append(str(exc))
            return
        index = offset
        while time.monotonic() < start_at:
            time.sleep(0.001)
        while time.monotonic() < stop_at:
            payload = payloads[index % len(payloads)]
            index += threads * 7 + 1
            try:
                ok, status, content, seconds = send(port, kind, payload, conn, csrf)
            except OSError as exc:
                conn.close()
                with lock:
                    errors.append(f"{type(exc).__name__}: {exc}")
                continue
            with lock:
                latencies.append(seconds)
                if not ok:
                    errors.append(f"{status}: {content[:200]!r}")
        conn.close()

    try:
        pool = [threading.Thread(target=run, args=(i * 101,)) for i in range(threads)]
        for thread in pool:
            thread.start()
        for thread in pool:
            thread.join()
        queue.put((latencies, errors, ""))
    except Exception:  # reported by the parent: a dead client must not hang the run
        queue.put(([], [], traceback.format_exc()))


def load_endpoint(port: int, kind: str, payloads: list, args: argparse.Namespace, duration: float
                  ) -> dict[str, Any]:
    """Load one endpoint for `duration` seconds from --client-processes forked processes; latencies and errors."""
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    processes = args.client_processes
    per_process = [args.clients // processes + (1 if i < args.clients % processes else 0) for i in range(processes)]
    start_at = time.monotonic() + 1.0  # every client connected and waiting before the clock starts
    stop_at = start_at + duration
    children = [context.Process(target=_client_process,
                                args=(port, kind, payloads[i::processes] or payloads, threads, start_at, stop_at,
                                      queue))
                for i, threads in enumerate(per_process)]
    for child in children:
        child.start()
    reports = [queue.get(timeout=duration + 300) for _ in children]
    for child in children:
        child.join()
    crashed = [trace for _, _, trace in reports if trace]
    if crashed:
        raise RuntimeError("a load-generator process failed:\n" + crashed[0])
    latencies = [value for values, _, _ in reports for value in values]
    errors = [error for _, errs, _ in reports for error in errs]
    return {"count": len(latencies), "errors": errors, "throughput": len(latencies) / duration,
            **common.latency_row(latencies)}


def write_bench(db: str, city, world, stored: int, args: argparse.Namespace) -> list[list]:
    """Throughput and latency of the four write endpoints on one live server; rows of the writes table."""
    from django.db import connections

    from civicdesk.open311.services import issue_api_key

    create_bench_table()
    _, key = issue_api_key(name="Benchmark", rate_limit_per_minute=0)
    payloads = {
        "noop": [""],
        "insert": [urlencode({"body": f"row {i}"}) for i in range(100)],
        "open311": open311_bodies(city, key, 5000, args.seed + 1),
        "web": web_forms(city, 5000, args.seed + 2),
    }
    labels = {"noop": "trivial endpoint (GET /bench/noop)", "insert": "bare one-row insert (POST /bench/insert)",
              "open311": "Open311 POST requests.json", "web": "web form submit (POST /report/…/details/)"}
    hot = hot_spots(city, args.hot_spot, args.hot_spots, args.seed)
    payloads["open311-hot"] = [body for body in open311_bodies(city, key, 5000, args.seed + 3, at=hot)]
    payloads["web-hot"] = web_forms(city, 5000, args.seed + 4, at=hot)
    at_spots = f", {args.hot_spot} open of its kind within the duplicate radius (at {args.hot_spots} spots in turn)"
    labels["open311-hot"] = labels["open311"] + at_spots
    labels["web-hot"] = labels["web"] + at_spots
    tracked = tracking_paths(200, args.seed)
    for name, (label, path) in PAGES.items():
        payloads[f"page-{name}"] = [(page, {}, 200) for page in ([path] if path else tracked)]
        labels[f"page-{name}"] = label
        labels[f"page-{name}-304"] = label + ", again with its ETag (304 Not Modified)"
    connections.close_all()  # nothing shared across the load generator's fork
    rows, measured = [], {}
    log = args.out_dir / f"suite-server-{db}.log"
    # Every client is 127.0.0.1: the web report limits stay on (counting them is part of a report's cost) but
    # so high that none is refused.
    env = {"BENCH_ENDPOINTS": "true", "REPORTS_PER_CLIENT_PER_HOUR": "1000000000", "REPORTS_PER_HOUR": "1000000000"}
    with common.live_server(log, workers=args.workers, env=env) as port:
        kinds = ["noop", "insert", "open311", "web", "open311-hot", "web-hot"]
        kinds += [f"page-{name}{again}" for name in PAGES for again in ("", "-304")]
        for kind in kinds:
            if kind.endswith("-304"):  # a reload, as a browser sends it: the ETag and cookies its last visit gave
                payloads[kind] = [revisit(port, path) for path, _, _ in payloads[kind.removesuffix("-304")][:50]]
            load_endpoint(port, kind, payloads[kind], args, min(3.0, args.duration))  # warm-up, untimed
            say(f"[{db}] loading {labels[kind]} for {args.duration:g} s ...")
            measured[kind] = run = load_endpoint(port, kind, payloads[kind], args, args.duration)
            say(f"[{db}] {labels[kind]}: {run['throughput']:.1f} req/s, p50 {run['p50_ms']:.1f} ms, "
                f"p99 {run['p99_ms']:.1f} ms, {len(run['errors'])} errors"
                + (f" (first: {run['errors'][0]})" if run["errors"] else ""))
    for kind, run in measured.items():
        spread = measured.get(kind.removesuffix("-hot")) if kind.endswith("-hot") else None
        rows.append([db, stored, labels[kind], args.clients, run["count"], len(run["errors"]), run["throughput"],
                     run["p50_ms"], run["p99_ms"], run["max_ms"], *against_target(kind, run, measured, spread)])
    return rows


def against_target(kind: str, run: dict[str, Any], measured: dict[str, dict[str, Any]],
                   spread: dict[str, Any] | None) -> list[str]:
    """[% of its ceiling, change against the spread rate, issue 15's target, met] for one endpoint's row.

    Submissions are measured against the bare one-row insert (at least half its rate, p99 under 200 ms; at the
    hot spot also no more than 10% below the same path's spread rate); public pages against the trivial
    endpoint (at least half its rate); the two ceilings themselves have no target."""
    if kind in ("noop", "insert"):
        return ["(ceiling)", "–", "–", "–"]
    ceiling_kind, ceiling_name = ("noop", "trivial") if kind.startswith("page-") else ("insert", "bare insert")
    ceiling = measured[ceiling_kind]["throughput"]
    share = run["throughput"] / ceiling if ceiling else 0.0
    change = run["throughput"] / spread["throughput"] - 1 if spread and spread["throughput"] else None
    if kind.startswith("page-"):
        target, met = f"≥ {PAGE_SHARE:.0%} of trivial", share >= PAGE_SHARE
    else:
        target = f"≥ {SUBMISSION_SHARE:.0%} of bare insert, p99 < {SUBMISSION_P99_MS:.0f} ms"
        met = share >= SUBMISSION_SHARE and run["p99_ms"] < SUBMISSION_P99_MS
        if spread is not None:
            target += f", ≤ {HOT_SPOT_DROP:.0%} below spread"
            met = met and change is not None and change >= -HOT_SPOT_DROP
    if run["errors"]:
        met = False
    return [f"{100 * share:.0f}% of {ceiling_name}", f"{100 * change:+.0f}%" if change is not None else "–",
            target, "yes" if met else "**no**"]


def tracking_paths(count: int, seed: int) -> list[str]:
    """Tracking-page paths of `count` public requests spread over the whole history."""
    from civicdesk.servicerequests.models import ServiceRequest

    top = ServiceRequest.objects.order_by("-id").values_list("id", flat=True).first() or 0
    sample = random.Random(seed + 5).sample(range(1, top + 1), min(top, count * 3))
    ids = ServiceRequest.objects.public().filter(pk__in=sample).values_list("public_id", flat=True)[:count]
    return [f"/requests/{public_id}/" for public_id in ids]


def revisit(port: int, path: str) -> tuple[str, dict[str, str], int]:
    """(path, headers, 304) of a reload of `path` as a browser sends it: the ETag of its first visit in
    If-None-Match, with the cookies that visit set (a page with a form gives the visitor a CSRF cookie)."""
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        etag = response.getheader("ETag")
        cookies = [cookie.split(";", 1)[0] for cookie in response.headers.get_all("Set-Cookie") or []]
        if response.status != 200 or not etag:
            raise RuntimeError(f"GET {path} answered {response.status} without an ETag")
    finally:
        conn.close()
    headers = {"If-None-Match": etag}
    if cookies:
        headers["Cookie"] = "; ".join(cookies)
    return path, headers, 304


def hot_spots(city, count: int, spots: int, seed: int) -> tuple[Any, list[tuple[float, float]]]:
    """(kind, [(lat, long), ...]) of the hot spots: `spots` points on a grid in the middle of the first area,
    four duplicate radii apart, at each of which `count` open requests of the first kind with a duplicate radius
    are stored first (bench/workload.py open_requests_around). Submissions visit the spots in turn, so each
    spot's look-up meets `count` plus the submissions sent there so far (about submissions ÷ spots)."""
    import workload

    kind = next(k for k in city.kinds if k.service_type.duplicate_radius_m > 0 and not k.service_type.is_private)
    area = city.areas[0]
    step = 4 * kind.service_type.duplicate_radius_m / 111_000  # degrees
    side = math.ceil(math.sqrt(spots))
    lat0 = (area.min_lat + area.max_lat) / 2 - step * side / 2
    long0 = (area.min_long + area.max_long) / 2 - step * side / 2
    points = [(lat0 + step * (n // side), long0 + step * (n % side)) for n in range(spots)]
    if not all(area.min_lat < lat < area.max_lat and area.min_long < long < area.max_long for lat, long in points):
        raise SystemExit(f"{spots} hot spots {step * 111_000:.0f} m apart do not fit in {area.name}")
    for n, (lat, long) in enumerate(points):
        workload.open_requests_around(kind.service_type, lat, long, count, seed * 1_000 + n)
    return kind, points


# --- 2. Reads at scale --------------------------------------------------------------------------------------------

def timed(call, calls: int, warmup: int = 5, reset=None) -> tuple[list[float], Any]:
    """Run `call` `warmup` times untimed, then `calls` times timed; (seconds of each, last result)."""
    result = None
    for _ in range(warmup):
        if reset:
            reset()
        result = call()
    latencies = []
    for _ in range(calls):
        if reset:
            reset()
        began = time.perf_counter()
        result = call()
        latencies.append(time.perf_counter() - began)
    return latencies, result


def dashboard_counts(jurisdiction_id: int, now: dt.datetime) -> dict[str, Any]:
    """What a supervisor's dashboard shows: open requests by status and by department, and the median time
    to close of requests closed in the last 30 days (hours). Two queries.

    Both counts come from one GROUP BY (status, department), which walks the partial index
    sr_open_juris_status in order without reading the table; two separate GROUP BYs would let
    SQLite's planner (no statistics) take another index for the department and read every row.
    """
    from collections import Counter

    from django.db import connection
    from django.db.models import Count

    from civicdesk.servicerequests.models import ServiceRequest

    open_ = ServiceRequest.objects.filter(jurisdiction_id=jurisdiction_id, is_open=True).order_by()
    by_status, by_department = Counter(), Counter()
    for status_id, department_id, n in open_.values_list("status_id", "department_id").annotate(n=Count("id")):
        by_status[status_id] += n
        by_department[department_id] += n
    since = now - dt.timedelta(days=30)
    table = ServiceRequest._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM closed_at - "
                           f"requested_at)) / 3600 FROM {table} WHERE jurisdiction_id = %s AND closed_at >= %s",
                           [jurisdiction_id, since])
            median = cursor.fetchone()[0]
        else:
            # SQLite has no percentile: the middle value of the sorted durations.
            cursor.execute(f"SELECT (julianday(closed_at) - julianday(requested_at)) * 24 AS hours FROM {table} "
                           f"WHERE jurisdiction_id = %s AND closed_at >= %s ORDER BY hours "
                           f"LIMIT 1 OFFSET (SELECT count(*) / 2 FROM {table} WHERE jurisdiction_id = %s "
                           f"AND closed_at >= %s)", [jurisdiction_id, since, jurisdiction_id, since])
            row = cursor.fetchone()
            median = row[0] if row else None
    return {"by_status": by_status, "by_department": by_department, "median_hours": median}


def read_bench(db: str, city, world, args: argparse.Namespace) -> list[list]:
    """p50/p99 of the hot read paths, one call at a time; rows of the reads table."""
    import http.client

    from django.db import connection, connections
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from civicdesk.servicerequests.models import ServiceRequest
    from civicdesk.staff import services as staff
    from civicdesk.triage.services import duplicate_candidates

    rng = random.Random(args.seed + 3)
    top = ServiceRequest.objects.order_by("-id").values_list("id", flat=True).first()
    sample = rng.sample(range(1, top + 1), min(top, 5000))
    public_ids = list(ServiceRequest.objects.public().filter(pk__in=sample).values_list("public_id", flat=True))
    now = timezone.now()
    windows = []
    for _ in range(200):
        day = now - dt.timedelta(days=rng.uniform(1, 360))
        windows.append(f"/open311/v2/requests.json?jurisdiction_id={JURISDICTION}&page_size=100&"
                       + urlencode({"start_date": day.isoformat(), "end_date": (day + dt.timedelta(days=1)).isoformat()}))
    # "Is this already reported?" is asked where problems are: at the places of stored open potholes.
    points = list(ServiceRequest.objects.filter(service_type=world.pothole, is_open=True, pk__in=sample)
                  .values_list("lat", "long")[:500]) or [city.areas[0].point(rng) for _ in range(500)]
    stored = ServiceRequest.objects.count()
    rows = []

    def record(name: str, latencies: list[float], result_rows: Any, queries: Any, target_ms: float | None = None
               ) -> None:
        latency = common.latency_row(latencies)
        met = "–" if target_ms is None else ("yes" if latency["p99_ms"] < target_ms else "**no**")
        rows.append([db, stored, name, len(latencies), result_rows, queries, *latency.values(),
                     f"p99 < {target_ms:g} ms" if target_ms is not None else "–", met])
        say(f"[{db}] {name}: p50 {rows[-1][6]:.2f} ms, p99 {rows[-1][7]:.2f} ms")

    # HTTP: the same server configuration as the write bench (no bench endpoints needed).
    connections.close_all()
    log = args.out_dir / f"suite-server-reads-{db}.log"
    with common.live_server(log, workers=args.workers) as port:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        cycle = iter(range(10 ** 9))

        def track():
            status, content, _ = common.fetch(port, "GET", f"/requests/{public_ids[next(cycle) % len(public_ids)]}/",
                                              connection=conn)
            if status != 200:
                raise RuntimeError(f"tracking page answered {status}")
            return 1

        latencies, _ = timed(track, args.calls)
        record("tracking page (HTTP GET /requests/<id>/)", latencies, 1, "–", READ_TARGETS_MS["tracking"])

        def window():
            status, content, _ = common.fetch(port, "GET", windows[next(cycle) % len(windows)], connection=conn)
            if status != 200:
                raise RuntimeError(f"requests.json answered {status}: {content[:200]!r}")
            return len(json.loads(content))

        latencies, found = timed(window, args.calls)
        record("Open311 requests.json, one-day window, page_size=100 (HTTP)", latencies, found, "–",
               READ_TARGETS_MS["open311"])
        conn.close()

    user = world.bob

    def reset_seats():
        user._staff_seats = None  # like a new web request: seats are read again on each call

    def first_page():
        queryset = staff.queue(user, "department").select_related(*staff.LIST_JOINS)             .prefetch_related(*staff.LIST_PREFETCH)
        return len(staff.page_of(queryset, sort="newest", size=staff.PAGE_SIZE).rows)

    point_cycle = iter(range(10 ** 9))

    def nearby():
        lat, long = points[next(point_cycle) % len(points)]
        return len(duplicate_candidates(service_type=world.pothole, lat=lat, long=long))

    def dashboard():
        counts = dashboard_counts(world.elm.pk, now)
        return sum(counts["by_status"].values())

    def capped_count(key: str):
        return lambda: staff.bounded_count(staff.queue(user, key))

    paths = [("staff queue first page (my department, 50 rows)", first_page, args.calls, READ_TARGETS_MS["queue"])]
    # The console's tab counts, each capped at staff.COUNT_LIMIT ("999+"): one query per queue.
    paths += [(f"staff queue count, capped at {staff.COUNT_LIMIT:,}: {key}", capped_count(key), args.calls,
               READ_TARGETS_MS["count"]) for key, _ in staff.QUEUES]
    paths += [("nearby open requests (pothole, 50 m)", nearby, args.calls, None),
              ("dashboard counts (open by status and by department; median time to close, 30 days)",
               dashboard, max(5, args.calls // 10), None)]
    for name, call, calls, target_ms in paths:
        reset_seats()
        with CaptureQueriesContext(connection) as captured:
            result_rows = call()
        latencies, _ = timed(call, calls, reset=reset_seats)
        record(name, latencies, result_rows, len(captured.captured_queries), target_ms)
    return rows


def beside_target(db: str, step: str, rate: float) -> list[str]:
    """[issue 15's target rows/s, rate ÷ target] for a bulk step ("generate" or "import"), dashes without one."""
    from bulk import TARGETS

    target = TARGETS.get((db, step))
    return [f"{target:,}", f"{rate / target:.2f}"] if target else ["–", "–"]


# --- 3. Importer --------------------------------------------------------------------------------------------------

def raw_bulk_insert(path: Path) -> tuple[int, float]:
    """Load the CSV's rows into a bare table with the database's own bulk path (COPY on PostgreSQL, executemany
    in 10,000-row transactions on SQLite); (rows, seconds). The table is dropped afterwards."""
    from django.db import connection, transaction

    with path.open(newline="", encoding="utf-8") as handle:
        width = len(next(csv.reader(handle)))
    columns = ", ".join(f"c{i} text" for i in range(width))
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_raw_import")
        cursor.execute(f"CREATE TABLE bench_raw_import ({columns})")
    count = 0
    began = time.perf_counter()
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        next(reader)
        if connection.vendor == "postgresql":
            with transaction.atomic(), connection.cursor() as cursor:
                with cursor.cursor.copy("COPY bench_raw_import FROM STDIN") as copy:
                    for row in reader:
                        copy.write_row(row)
                        count += 1
        else:
            sql = f"INSERT INTO bench_raw_import VALUES ({', '.join(['%s'] * width)})"
            while True:
                batch = [row for _, row in zip(range(10_000), reader)]
                if not batch:
                    break
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.executemany(sql, batch)
                count += len(batch)
    seconds = time.perf_counter() - began
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_raw_import")
    return count, seconds


def import_bench(db: str, stored: int, args: argparse.Namespace) -> tuple[list[list], list[str]]:
    """`import_311 --format nyc` on a NYC-shaped CSV written by `generate_requests --output`, against the raw
    bulk-insert rate of the same file's rows into a bare table; (table rows, notes)."""
    from django.core.management import call_command

    from civicdesk.servicerequests.models import ServiceRequest

    if not args.import_rows:
        return [], []
    if not (has_command("import_311") and has_command("generate_requests")):
        return [], [f"{db}: importer bench skipped: `manage.py import_311` / `generate_requests` are not in this tree"]
    path = args.out_dir / f"suite-nyc-{db}-{args.import_rows}.csv"
    say(f"[{db}] writing a NYC-shaped CSV of {args.import_rows:,} rows ...")
    call_command("generate_requests", args.import_rows, output=str(path), format="nyc", seed=args.seed + 4,
                 progress=False, verbosity=0, stdout=io.StringIO())
    raw_rows, raw_seconds = raw_bulk_insert(path)
    before = ServiceRequest.objects.count()
    began = time.perf_counter()
    call_command("import_311", str(path), format="nyc", create_types=True, progress=False,
                 rejects=str(path.with_suffix(".rejects.csv")), verbosity=0, stdout=io.StringIO())
    seconds = time.perf_counter() - began
    loaded = ServiceRequest.objects.count() - before
    raw_rate = raw_rows / raw_seconds if raw_seconds else 0.0
    rate = loaded / seconds if seconds else 0.0
    method = "COPY" if db == "postgres" else "executemany, 10,000-row transactions"
    rows = [[db, stored, f"raw bulk insert of the CSV rows into a bare table ({method})", raw_rows, raw_seconds,
             raw_rate, "100%", "–", "–"],
            [db, stored, "manage.py import_311 --format nyc --create-types", loaded, seconds, rate,
             f"{100 * rate / raw_rate:.0f}%" if raw_rate else "–", *beside_target(db, "import", rate)]]
    notes = []
    if loaded != raw_rows:
        notes.append(f"{db}: import_311 stored {loaded:,} of {raw_rows:,} rows (rejects in "
                     f"{path.with_suffix('.rejects.csv').name})")
    path.unlink(missing_ok=True)
    say(f"[{db}] import_311: {loaded:,} rows in {seconds:.1f} s ({rate:,.0f} rows/s); raw {raw_rate:,.0f} rows/s")
    return rows, notes


if __name__ == "__main__":
    sys.exit(main())
