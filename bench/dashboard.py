"""Dashboard benchmark: roll-up rebuild rate, sync of a burst of changes, and dashboard p50/p99 over many filters.

    python bench/dashboard.py [--size 1000000] [--calls 300] [--db sqlite|postgres|both]

Each database is set up and measured in its own subprocess (common.run_worker): migrate, build the test
world, store `--size` requests over two years with the bench's bulk loader (bench/workload.py: COPY on
PostgreSQL, indexes built after the load; the same city and mix as bench/map.py), settle, then time `rebuild_rollups` (requests/s), 1,000 status changes followed by one
`sync_rollups`, and the dashboard over every combination of filters the world offers (city-wide, each
jurisdiction, department, kind of problem and district, some pairs, each of the three periods): once as
the numbers alone (`build_dashboard`) and once as the whole page (the Django view through the test client,
template and SVG charts included). Use `--size 50000` or less for a smoke run on a shared machine.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import sys
import time
from pathlib import Path
from typing import Any

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parent.parent)]

import common  # noqa: E402  (bench/ is not a package; its modules import each other by name)

WARMUP = 3
HEADER = ["database", "stored rows", "measurement", "calls", "SQL queries", "p50 ms", "p99 ms", "max ms"]
say = common.say


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = common.bench_parser(__doc__, seed=12, calls=300,
                                 calls_help="timed calls per measurement (spread over filters)")
    parser.add_argument("--smoke", action="store_true", help="label the recorded section as a smoke run")
    return common.checked(parser, parser.parse_args(argv))


def render(results: list[dict[str, Any]], args: argparse.Namespace, machine: str) -> str:
    command = f"python bench/dashboard.py --size {args.size} --calls {args.calls} --db {args.db}"
    smoke = " (smoke run)" if args.smoke else ""
    title = f"## {common.now_utc()} · commit {common.git_commit()} · dashboard{smoke}"
    lines = [title, "", f"`{command}` on {machine}.", ""]
    for r in results:
        lines.append(f"- {r['db']}: {r['server']}; rebuild_rollups: {r['rebuild']['requests']:,} requests into "
                     f"{r['rebuild']['rows']:,} daily rows in {r['rebuild']['seconds']:.1f} s "
                     f"({r['rebuild']['rate']:,.0f} requests/s); sync of {r['sync']['changes']:,} changed requests: "
                     f"{r['sync']['seconds'] * 1000:.0f} ms")
    lines += ["", f"Filters: {results[0]['combinations'] if results else 0} combinations (city-wide, each "
              "jurisdiction, department, kind and district, pairs of them) × 3 periods, taken in turn; "
              f"{WARMUP} untimed warm-up calls.", ""]
    rows = [[r["db"], r["stored"], m["name"], m["calls"], m["queries"], m["p50_ms"], m["p99_ms"], m["max_ms"]]
            for r in results for m in r["measurements"]]
    lines += [common.markdown_table(HEADER, rows), ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.worker:
        return worker(args)
    options = ["--size", str(args.size), "--calls", str(args.calls), "--seed", str(args.seed),
               "--out-dir", str(args.out_dir)]
    return common.run_benchmark(args, label="dashboard", script=Path(__file__).resolve(), render=render,
                                worker_options=options)


# --- The worker: set up, load, measure ---------------------------------------------------------------------------

def filter_combinations(world) -> list[str]:
    """Query strings for city-wide, each single filter, and some pairs of filters."""
    from civicdesk.catalog.models import ServiceType

    singles = [f"jurisdiction={j.slug}" for j in (world.elm, world.county)]
    singles += [f"department={d.pk}" for d in (world.public_works, world.sanitation, world.roads)]
    singles += [f"type={code}" for code in ServiceType.objects.filter(is_private=False).values_list("code", flat=True)]
    singles += [f"district={d.pk}" for d in (world.west, world.east)]
    pairs = [f"{a}&{b}" for a, b in itertools.combinations(singles, 2) if a.split("=")[0] != b.split("=")[0]]
    random.Random(1).shuffle(pairs)
    return [""] + singles + pairs[:20]


def timed(call, calls: int) -> dict[str, float]:
    latencies = []
    for index in range(calls):
        began = time.perf_counter()
        call(index)
        latencies.append(time.perf_counter() - began)
    ordered = sorted(latencies)
    return {"calls": len(ordered), "p50_ms": common.percentile(ordered, 50) * 1000,
            "p99_ms": common.percentile(ordered, 99) * 1000, "max_ms": ordered[-1] * 1000}


def worker(args: argparse.Namespace) -> int:
    import datetime as dt

    import django

    django.setup()
    from django.db.models import Count, Q
    from django.utils import timezone
    from django.db import connection
    from django.http import QueryDict
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    from civicdesk.servicerequests import services
    from civicdesk.servicerequests.models import ServiceRequest
    from civicdesk.transparency import rollups
    from civicdesk.transparency.dashboard import build_dashboard
    from civicdesk.transparency.views import read_filters

    import workload

    db = args.worker
    world, _city, _load = workload.loaded_world(db, args.size, args.seed, say, days=730)
    common.settle()
    rebuild = rollups.rebuild_rollups()
    rebuild_info = {"requests": rebuild.requests, "rows": rebuild.rows, "seconds": rebuild.seconds,
                    "rate": rebuild.requests / rebuild.seconds if rebuild.seconds else 0}
    say(f"[{db}] rebuild_rollups: {rebuild.requests:,} requests, {rebuild.rows:,} rows, {rebuild.seconds:.1f} s")
    common.settle()

    fixed = world.statuses["fixed"]
    changed = list(ServiceRequest.objects.filter(is_open=True).order_by("-pk")[:1000])
    for request in changed:
        services.transition(request, fixed, force=True)
    began = time.perf_counter()
    sync = rollups.sync_rollups()
    sync_info = {"changes": len(changed), "seconds": time.perf_counter() - began, "changed": sync.changed}
    say(f"[{db}] sync of {len(changed)} changes: {sync_info['seconds'] * 1000:.0f} ms")

    queries = [f"{q}&period={p}".lstrip("&") for q in filter_combinations(world) for p in (30, 90, 365)]

    class Fake:
        def __init__(self, query: str):
            self.GET = QueryDict(query)

    def numbers(index: int) -> None:
        _form, scope, period, _chosen = read_filters(Fake(queries[index % len(queries)]))
        build_dashboard(scope, period_days=period)

    client = Client()

    def page(index: int) -> None:
        response = client.get("/dashboard/?" + queries[index % len(queries)], HTTP_HOST="127.0.0.1")
        assert response.status_code == 200, response.status_code

    def direct_backlog(index: int) -> None:
        """The alternative not taken: the backlog counted from the open requests (partial indexes)."""
        _form, scope, _period, _chosen = read_filters(Fake(queries[index % len(queries)]))
        filters = {name: value for name, value in (
            ("jurisdiction_id", scope.jurisdiction_id), ("department_id", scope.department_id),
            ("service_type_id", scope.service_type_id), ("district_id", scope.district_id)) if value is not None}
        midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
        edges = {"under_1": midnight, "under_7": midnight - dt.timedelta(days=6),
                 "under_30": midnight - dt.timedelta(days=29)}
        ServiceRequest.objects.public().filter(is_open=True, **filters).aggregate(
            total=Count("pk"), **{name: Count("pk", filter=Q(requested_at__gte=edge)) for name, edge in edges.items()})

    def rollup_backlog(index: int) -> None:
        _form, scope, _period, _chosen = read_filters(Fake(queries[index % len(queries)]))
        rollups.backlog(scope, timezone.localdate())

    measurements = []
    static = {"staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
              "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
    with override_settings(STORAGES=static, ALLOWED_HOSTS=["127.0.0.1"]):
        for name, call in (("dashboard numbers (build_dashboard)", numbers), ("dashboard page (view, HTML)", page),
                           ("backlog by age from the roll-ups (as shipped)", rollup_backlog),
                           ("backlog by age from open requests (alternative)", direct_backlog)):
            for index in range(WARMUP):
                call(index)
            with CaptureQueriesContext(connection) as captured:
                call(0)
            row = {"name": name, "queries": len(captured.captured_queries), **timed(call, args.calls)}
            measurements.append(row)
            say(f"[{db}] {name}: {row['queries']} queries, p50 {row['p50_ms']:.2f} ms, p99 {row['p99_ms']:.2f} ms")
    result = {"db": db, "server": common.describe_server(connection), "stored": ServiceRequest.objects.count(),
              "rebuild": rebuild_info, "sync": sync_info, "combinations": len(queries) // 3,
              "measurements": measurements}
    args.result_file.write_text(json.dumps(result, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
