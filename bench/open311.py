"""Open311 benchmark: POST requests.json throughput and GET requests.json (1000 results) latency, over HTTP,
against gunicorn (2 workers) with 1,000,000 requests already stored.

    python bench/open311.py [--size 1000000] [--posts 1000] [--gets 30] [--db sqlite|postgres|both]

Each database is set up in its own subprocess (settings are read from the
environment at django.setup()), loaded with bench/workload.py's history loader,
then served by a real gunicorn on 127.0.0.1 while this process plays the
clients. The output is printed (and kept as JSON in --out-dir), not appended
to RESULTS.md.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parent.parent)]

import common  # noqa: E402  (bench/ is not a package; its modules import each other by name)

JURISDICTION = "elm.example.gov"
GET_QUERIES = [
    # (label, path and query); every one but the last asks for a full page of 1000 from the last 90 days.
    ("newest 1000 (json)", f"/open311/v2/requests.json?jurisdiction_id={JURISDICTION}"),
    ("newest 1000 (xml)", f"/open311/v2/requests.xml?jurisdiction_id={JURISDICTION}"),
    ("newest 1000, extensions=true", f"/open311/v2/requests.json?jurisdiction_id={JURISDICTION}&extensions=true"),
    ("open potholes", f"/open311/v2/requests.json?jurisdiction_id={JURISDICTION}&status=open&service_code=pothole"),
    ("page 50 of 1000", f"/open311/v2/requests.json?jurisdiction_id={JURISDICTION}&page=50&page_size=1000"),
]
POST_HEADER = ["database", "stored rows", "gunicorn workers", "clients", "POSTs", "throughput req/s", "p50 ms",
               "p99 ms", "max ms", "refused"]
GET_HEADER = ["database", "query", "results", "calls", "p50 ms", "p99 ms", "max ms", "KiB"]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000, help="requests stored before measuring")
    parser.add_argument("--posts", type=int, default=1000, help="timed POST requests.json calls")
    parser.add_argument("--gets", type=int, default=30, help="timed calls of each GET query")
    parser.add_argument("--clients", type=int, default=4, help="client threads posting at once")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--max-seconds", type=float, default=600, help="stop posting after this long")
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--seed", type=int, default=311)
    parser.add_argument("--pg-fsync", choices=["on", "off"], default="on",
                        help="fsync, synchronous_commit and full_page_writes of the throwaway PostgreSQL")
    parser.add_argument("--out-dir", type=Path, default=common.OUT_DIR, help="databases and logs go here")
    parser.add_argument("--worker", choices=["sqlite", "postgres"], help=argparse.SUPPRESS)
    parser.add_argument("--result-file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.size < 1 or args.posts < 1 or args.gets < 1 or args.clients < 1 or args.workers < 1:
        parser.error("--size, --posts, --gets, --clients and --workers must be positive")
    args.out_dir = args.out_dir.resolve()
    return args


say = common.say


# --- The parent: one database at a time, each in a fresh subprocess ---------------------------------------------

def run_in_subprocess(db: str, url: str, args: argparse.Namespace) -> dict[str, Any]:
    return common.run_worker(Path(__file__).resolve(), db, url, args.out_dir, [
        "--size", str(args.size), "--posts", str(args.posts), "--gets", str(args.gets), "--clients", str(args.clients),
        "--workers", str(args.workers), "--max-seconds", str(args.max_seconds), "--seed", str(args.seed),
        "--out-dir", str(args.out_dir)])


def render(results: list[dict[str, Any]], args: argparse.Namespace, machine: str) -> str:
    command = (f"python bench/open311.py --size {args.size} --posts {args.posts} --gets {args.gets} "
               f"--clients {args.clients} --workers {args.workers} --db {args.db}")
    lines = [f"## Open311 · {common.now_utc()} · commit {common.git_commit()}", "",
             f"`{command}` on {machine}.", ""]
    lines += [f"- {r['db']}: {r['server']}" for r in results]
    lines += ["", f"Stored before measuring: {args.size:,} requests (bench/workload.py's year of history). "
              f"Served by gunicorn ({args.workers} sync workers) on 127.0.0.1; clients are threads of the "
              "benchmark process on the same machine, over HTTP/1.1.", "",
              "POST requests.json (form-encoded, api_key, varied service types, places, answers and contacts):", "",
              common.markdown_table(POST_HEADER, [r["post"] for r in results]), "",
              f"GET, one call at a time, {args.gets} timed calls per query after 3 untimed ones:", "",
              common.markdown_table(GET_HEADER, [row for r in results for row in r["gets"]]), ""]
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
            with common.database_url(db, f"open311-{args.size}", args.out_dir, pg_fsync=args.pg_fsync,
                                     pg_settings={"max_connections": "50"}) as url:
                results.append(run_in_subprocess(db, url, args))
        except (RuntimeError, subprocess.CalledProcessError) as exc:
            say(f"open311 benchmark on {db} failed: {exc}")
            return 1
    say("\n" + render(results, args, machine))
    return 0


# --- The worker: load, serve, measure -----------------------------------------------------------------------------

def worker(args: argparse.Namespace) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from civicdesk.open311.services import issue_api_key
    from civicdesk.servicerequests.models import ServiceRequest
    from civicdesk.testing.world import build_world

    import workload

    db = args.worker
    call_command("migrate", verbosity=0, interactive=False)
    city = workload.bench_city(build_world())
    say(f"[{db}] loading {args.size:,} requests ...")
    load = workload.load_history(city, args.size, args.seed)
    say(f"[{db}] loaded in {load.seconds:.1f} s ({load.rows_per_second:,.0f} rows/s, {load.method})")
    common.settle()
    _, key = issue_api_key(name="Benchmark", rate_limit_per_minute=0)
    forms = post_forms(city, key, args.posts, args.seed + 1)
    stored = ServiceRequest.objects.count()
    server = common.describe_server(connection)
    connection.close()
    with common.live_server(args.out_dir / f"open311-server-{db}.log", workers=args.workers) as port:
        gets = [measure_get(db, port, label, path, args.gets) for label, path in GET_QUERIES]
        for row in gets:
            say(f"[{db}] GET {row[1]}: {row[2]} results, p50 {row[4]:.1f} ms, p99 {row[5]:.1f} ms")
        post = measure_posts(port, forms, args.clients, args.max_seconds)
    post_row = [db, stored, args.workers, args.clients, post["count"], post["throughput"], post["p50_ms"],
                post["p99_ms"], post["max_ms"], post["refused"]]
    say(f"[{db}] POST: {post['count']} in {post['seconds']:.1f} s = {post['throughput']:.1f} req/s, "
        f"p50 {post['p50_ms']:.1f} ms, {post['refused']} refused")
    args.result_file.write_text(json.dumps({"db": db, "server": server, "post": post_row, "gets": gets}, indent=2),
                                encoding="utf-8")
    return 0


def post_forms(city, key: str, count: int, seed: int) -> list[str]:
    """Form bodies for POST requests.json: workload.py's varied submissions, without the private service type
    (Open311 offers only public ones)."""
    import workload

    public = [call for call in workload.submissions(city, count * 2, seed) if not call["service_type"].is_private]
    bodies = []
    for call in public[:count]:
        form = {"api_key": key, "jurisdiction_id": JURISDICTION if call["lat"] < 5 else "maple.example.gov",
                "service_code": call["service_type"].code, "lat": f"{call['lat']:.6f}", "long": f"{call['long']:.6f}",
                "description": call["description"], "email": call["contact_email"], "phone": call["contact_phone"]}
        form.update({f"attribute[{code}]": value for code, value in call["attributes"].items()})
        bodies.append(urlencode({name: value for name, value in form.items() if value}))
    return bodies


fetch = common.fetch


def _count(content: bytes, path: str) -> int:
    if ".json" in path:
        return len(json.loads(content))
    return content.count(b"<request>")


def measure_get(db: str, port: int, label: str, path: str, calls: int) -> list:
    """Call one GET `calls` times in a row after 3 untimed calls; a table row of its latency."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    for _ in range(3):
        status, content, _ = fetch(port, "GET", path, connection=conn)
        if status != 200:
            raise RuntimeError(f"GET {path} answered {status}: {content[:300]!r}")
    timings = []
    for _ in range(calls):
        _, content, seconds = fetch(port, "GET", path, connection=conn)
        timings.append(seconds)
    conn.close()
    ordered = sorted(timings)
    return [db, label, _count(content, path), calls, common.percentile(ordered, 50) * 1000,
            common.percentile(ordered, 99) * 1000, ordered[-1] * 1000, round(len(content) / 1024, 1)]


def measure_posts(port: int, forms: list[str], clients: int, max_seconds: float) -> dict[str, Any]:
    """POST every form from `clients` threads at once; stops early after `max_seconds`."""
    lock = threading.Lock()
    pending = list(forms)
    random.Random(0).shuffle(pending)
    timings: list[float] = []
    refused: list[str] = []
    stop_at = time.monotonic() + max_seconds

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        while time.monotonic() < stop_at:
            with lock:
                if not pending:
                    break
                body = pending.pop()
            status, content, seconds = fetch(port, "POST", "/open311/v2/requests.json", body, connection=conn)
            with lock:
                timings.append(seconds)
                if status != 200:
                    refused.append(content[:200].decode(errors="replace"))
        conn.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    ordered = sorted(timings)
    if refused:
        say(f"first refusal: {refused[0]}")
    return {"count": len(ordered), "seconds": seconds, "throughput": len(ordered) / seconds,
            "p50_ms": common.percentile(ordered, 50) * 1000, "p99_ms": common.percentile(ordered, 99) * 1000,
            "max_ms": ordered[-1] * 1000 if ordered else 0.0, "refused": len(refused)}


if __name__ == "__main__":
    sys.exit(main())
