"""Where load shedding starts: the tracking page under 1, 2, 4, 8 and 16 keep-alive clients.

    python bench/loadshed.py                      # SQLite, 2 gunicorn workers, 8 s per level
    python bench/loadshed.py --seconds 3 --levels 1,4,16 --no-record

Starts a live `manage.py serve --workers 2` (gunicorn threaded workers exactly as `serve` configures them, the
load shedder on with its defaults unless OVERLOAD_MAX_IN_FLIGHT is set) on 127.0.0.1 against a fresh SQLite
database in bench/out/ (or BENCH_DATABASE_URL, an empty PostgreSQL database), stores one request, then for
each level runs that many client processes for `--seconds` each. A client holds one HTTP/1.1 keep-alive
connection and sends GET /requests/<tracking number>/ again as soon as the last answer arrived (closed loop).
Prints, per level: answered requests, throughput, p50/p99 latency, how many were refused with 503 (and
why, from `X-Shed-Reason`) and other errors; appends the table to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import collections
import http.client
import multiprocessing
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

HEADER = ["clients", "requests", "req/s", "p50 ms", "p99 ms", "503s", "503 reasons", "other errors"]

SEED = """
import django
django.setup()
from civicdesk.servicerequests import services
from civicdesk.testing.world import IN_WEST_ELM, build_world
world = build_world()
request = services.submit_request(service_type=world.graffiti, lat=IN_WEST_ELM[0], long=IN_WEST_ELM[1],
                                  description="Tag on the bus shelter", contact_email="rita@example.org")
print(request.get_absolute_url())
"""


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--levels", default="1,2,4,8,16", help="concurrent clients per level, comma-separated")
    parser.add_argument("--seconds", type=float, default=8.0, help="timed seconds per level (after 1 s warm-up)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--results", type=Path, default=common.RESULTS, help="markdown file results are appended to")
    parser.add_argument("--no-record", action="store_true", help="print the results without appending them")
    return parser.parse_args(argv)


def client(port: int, path: str, warmup_until: float, stop_at: float) -> dict:
    """One keep-alive client: requests as fast as answers come until `stop_at`; what it saw after warm-up."""
    latencies: list[float] = []
    refused: collections.Counter = collections.Counter()
    errors = 0
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    while (began := time.monotonic()) < stop_at:
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
        except (OSError, http.client.HTTPException):
            errors += began >= warmup_until
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            continue
        if began < warmup_until:
            continue
        if response.status == 503:
            refused[response.getheader("X-Shed-Reason") or "?"] += 1
        elif response.status != 200:
            errors += 1
        else:
            latencies.append(time.monotonic() - began)
        if response.will_close:
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.close()
    return {"latencies": latencies, "refused": dict(refused), "errors": errors}


def level(port: int, path: str, clients: int, seconds: float) -> dict:
    start = time.monotonic() + 0.5  # every client process is up before the clock starts
    warmup_until, stop_at = start + 1.0, start + 1.0 + seconds
    with multiprocessing.get_context("fork").Pool(clients) as pool:
        results = pool.starmap(client, [(port, path, warmup_until, stop_at)] * clients)
    latencies = sorted(value for result in results for value in result["latencies"])
    refused: collections.Counter = collections.Counter()
    for result in results:
        refused.update(result["refused"])
    answered = len(latencies) + sum(refused.values())
    return {"clients": clients, "requests": answered, "rate": len(latencies) / seconds,
            "p50": common.percentile(latencies, 50) * 1000, "p99": common.percentile(latencies, 99) * 1000,
            "refused": sum(refused.values()),
            "reasons": ", ".join(f"{reason} {count}" for reason, count in sorted(refused.items())) or "-",
            "errors": sum(result["errors"] for result in results)}


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    levels = [int(value) for value in args.levels.split(",")]
    out_dir = common.OUT_DIR / "loadshed"
    out_dir.mkdir(parents=True, exist_ok=True)
    load = os.getloadavg()
    fsync = common.fsync_ms(out_dir)
    db = "postgres" if os.environ.get("BENCH_DATABASE_URL") else "sqlite"
    rows = []
    with common.database_url(db, "loadshed", out_dir) as url:
        env = common.django_env(url, out_dir, STATIC_ROOT=str(out_dir / "static"))
        common.say(f"migrating {db} and collecting static files ...")
        for step in (["migrate", "--noinput", "-v0"],
                     ["collectstatic", "--noinput", "-v0", "--ignore", "material-icons"]):
            subprocess.run([sys.executable, "manage.py", *step], cwd=common.REPO, env=env, check=True)
        seeded = subprocess.run([sys.executable, "-c", SEED], cwd=common.REPO, env=env, capture_output=True,
                                text=True, check=False)
        if seeded.returncode:
            raise SystemExit(f"could not store the request:\n{seeded.stdout}{seeded.stderr}")
        path = seeded.stdout.strip().splitlines()[-1]
        os.environ.update({key: value for key, value in env.items() if key not in os.environ or key in (
            "DATABASE_URL", "CIVICDESK_VAR_DIR", "CITY_PACK", "LOG_LEVEL", "ALLOWED_HOSTS", "SITE_URL", "TESTING",
            "DEBUG", "DJANGO_SETTINGS_MODULE", "STATIC_ROOT")})
        with common.live_server(out_dir / "server.log", workers=args.workers) as port:
            for clients in levels:
                row = level(port, path, clients, args.seconds)
                common.say(f"{clients:>3} clients: {row['rate']:8.1f} req/s  p50 {row['p50']:7.1f} ms  "
                           f"p99 {row['p99']:7.1f} ms  503s {row['refused']} ({row['reasons']})  "
                           f"errors {row['errors']}")
                rows.append([clients, row["requests"], row["rate"], row["p50"], row["p99"], row["refused"],
                             row["reasons"], row["errors"]])
    limit = os.environ.get("OVERLOAD_MAX_IN_FLIGHT", "default")
    table = common.markdown_table(HEADER, rows)
    notes = (f"- {db}; `manage.py serve --workers {args.workers}` (gthread, WEB_THREADS="
             f"{os.environ.get('WEB_THREADS', 'default')}), OVERLOAD_MAX_IN_FLIGHT={limit}; "
             f"GET of one request's tracking page; each client one keep-alive connection, closed loop, "
             f"{args.seconds:g} s timed after 1 s of warm-up; 503 reasons from `X-Shed-Reason`")
    common.say("")
    common.say(table)
    common.say(notes)
    if not args.no_record:
        entry = (f"\n## Load shedding · {common.now_utc()} · commit {common.git_commit()}\n\n"
                 f"`python bench/loadshed.py --levels {args.levels} --seconds {args.seconds:g} --workers "
                 f"{args.workers}` on {common.machine(load, fsync)}.\n\n{table}\n\n{notes}\n")
        with args.results.open("a", encoding="utf-8") as handle:
            handle.write(entry)
        common.say(f"appended to {args.results}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
