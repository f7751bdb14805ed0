"""Public map benchmark: the cells JSON (map tiles) at several zooms and filters and the list's pages, p50/p99.

    python bench/map.py [--size 1000000] [--calls 300] [--db sqlite|postgres|both]

Each database is set up and measured in its own subprocess, as in bench/intake.py (same loader:
bench/workload.py); graffiti is then marked sensitive so a share of the rows goes through the snapping
expression, and `rebuild_rollups` builds the roll-ups (timed, with the map roll-up's row count). Each call is
the view itself (query string parsed by the filter form, SQL, JSON or HTML rendered) through Django's
RequestFactory, without the middleware. Tiles are asked as the map page asks them: the view widened to whole
map tiles (answered from the roll-up up to zoom 14), and at zoom 16 the exact view (counted on the fly, with
points). "answer" is the JSON size in bytes or the rows on the list page; "SQL queries" is what one call
issued. Then 1,000 requests change status and one `sync_rollups` is timed (the map's freshness).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path
from typing import Any

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parent.parent)]

import common  # noqa: E402  (bench/ is not a package; its modules import each other by name)

WARMUP = 5
HEADER = ["database", "stored rows", "measurement", "calls", "answer", "SQL queries", "p50 ms", "p99 ms", "max ms"]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = common.bench_parser(__doc__, calls=300, keep=True)
    return common.checked(parser, parser.parse_args(argv))


say = common.say


def render(results: list[dict[str, Any]], args: argparse.Namespace, machine: str) -> str:
    """The markdown section printed at the end and appended to RESULTS.md."""
    command = f"python bench/map.py --size {args.size} --calls {args.calls} --db {args.db}"
    lines = common.results_heading(command, machine)
    for r in results:
        roll = r["rollup"]
        lines.append(f"- {r['db']}: {r['server']}; rebuild_rollups {roll['rebuild_s']:.1f} s; map roll-up "
                     f"{roll['cells']:,} cell rows + {roll['mapped']:,} request states "
                     f"({roll['cells_per_million']:,} cell rows per million requests); sync after "
                     f"{roll['changes']:,} status changes {roll['sync_ms']:,.0f} ms")
    lines += ["", f"Stored before measuring: {args.size:,} requests (bench/workload.py, graffiti marked sensitive). "
              "Each call runs the view (GET /map/cells.json or /map/list/) through RequestFactory, no "
              f"middleware; {WARMUP} untimed warm-up calls first. Views, widened to whole tiles as the map page asks "
              "them: city-wide (the whole 0.2° downtown) at zoom 10, a district-sized view at zoom 12, a "
              "phone-sized view at zoom 13 and 14 (all from the roll-up); a street view at zoom 16 (points, "
              "counted on the fly); with filters as named.", ""]
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
    return common.run_benchmark(args, label="map", script=Path(__file__).resolve(), render=render,
                                worker_options=options, keep=args.keep)


# --- The worker: set up, load, measure ---------------------------------------------------------------------------

def measurements(world) -> list[tuple[str, Any]]:
    """(name, callable returning the answer's size) for each thing the map and list pages ask."""
    import datetime as dt

    from django.test import RequestFactory
    from django.utils import timezone

    from civicdesk.publicmap import views

    factory = RequestFactory()
    month_ago = (timezone.localdate() - dt.timedelta(days=30)).isoformat()
    year_ago = (timezone.localdate() - dt.timedelta(days=365)).isoformat()

    def tiles(zoom: int, west: float, south: float, east: float, north: float) -> str:
        """The view widened to whole map tiles (360 / 2^zoom degrees), as requests_map.js asks it."""
        tile = 360 / 2 ** zoom
        return ",".join(repr(v) for v in (math.floor(west / tile) * tile, math.floor(south / tile) * tile,
                                          math.ceil(east / tile) * tile, math.ceil(north / tile) * tile))

    city = tiles(10, 2.9, 2.9, 3.1, 3.1)
    district = tiles(12, 2.95, 2.95, 3.05, 3.05)
    phone13 = tiles(13, 2.97, 2.97, 3.01, 3.03)
    phone14 = tiles(14, 2.98, 2.98, 3.0, 3.01)

    def cells(bbox: str, zoom: int, query: str = ""):
        def call() -> int:
            response = views.cells_json(factory.get(f"/map/cells.json?bbox={bbox}&zoom={zoom}&{query}"))
            assert response.status_code == 200, response.content
            return len(response.content)
        return call

    def listing(query: str = ""):
        def call() -> int:
            response = views.request_list(factory.get(f"/map/list/?{query}"))
            assert response.status_code == 200
            return response.content.count(b'class="usa-link cd-tracking-number"')
        return call

    first = views.request_list(factory.get("/map/list/")).content.decode()
    after = first.split("after=", 1)[1].split('"', 1)[0] if "after=" in first else ""
    return [
        ("tile: city-wide, zoom 10", cells(city, 10)),
        ("tile: city-wide, zoom 10, district + last 30 days",
         cells(city, 10, f"district={world.east.pk}&from={month_ago}")),
        ("tile: city-wide, zoom 10, department + last year", cells(city, 10, f"department={world.sanitation.pk}"
                                                                            f"&from={year_ago}")),
        ("tile: district, zoom 12", cells(district, 12)),
        ("tile: district, zoom 12, pothole + open", cells(district, 12, "type=pothole&status=open")),
        ("tile: phone view, zoom 13", cells(phone13, 13)),
        ("tile: phone view, zoom 13, graffiti (sensitive)", cells(phone13, 13, "type=graffiti")),
        ("tile: phone view, zoom 14, last 30 days", cells(phone14, 14, f"from={month_ago}")),
        ("tile: street, zoom 16 (points, on the fly)", cells("2.995,2.995,3.0,3.003", 16)),
        ("list: first page", listing()),
        ("list: second page (keyset)", listing(f"after={after}")),
        ("list: pothole + closed", listing("type=pothole&status=closed")),
        ("list: open", listing("status=open")),
        ("list: district + last 30 days", listing(f"district={world.west.pk}&from={month_ago}")),
        ("list: department + open", listing(f"department={world.sanitation.pk}&status=open")),
    ]


def worker(args: argparse.Namespace) -> int:
    import django

    django.setup()
    from django.conf import settings

    # Pages render {% static %} links: plain names, no collectstatic manifest needed for the bench.
    settings.STORAGES = {**settings.STORAGES,
                         "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from civicdesk.servicerequests.models import ServiceRequest

    import workload

    db = args.worker
    world, city, load = workload.loaded_world(db, args.size, args.seed, say)
    world.graffiti.is_sensitive = True
    world.graffiti.save(update_fields=["is_sensitive"])
    common.settle()
    rollup = build_rollups(db, world)
    results = []
    for name, call in measurements(world):
        for _ in range(WARMUP):
            call()
        with CaptureQueriesContext(connection) as captured:
            rows = call()
        queries = len(captured.captured_queries)
        latencies = []
        for _ in range(args.calls):
            began = time.perf_counter()
            call()
            latencies.append(time.perf_counter() - began)
        ordered = sorted(latencies)
        results.append({"name": name, "calls": len(ordered), "rows": rows, "queries": queries,
                        "p50_ms": common.percentile(ordered, 50) * 1000,
                        "p99_ms": common.percentile(ordered, 99) * 1000, "max_ms": ordered[-1] * 1000})
        say(f"[{db}] {name}: answer {rows}, {queries} queries, p50 {results[-1]['p50_ms']:.2f} ms, "
            f"p99 {results[-1]['p99_ms']:.2f} ms")
    rollup.update(time_sync(db, world))
    result = {"db": db, "server": common.describe_server(connection), "stored": ServiceRequest.objects.count(),
              "rollup": rollup, "measurements": results}
    args.result_file.write_text(json.dumps(result, indent=2), encoding="utf-8")
    return 0


def build_rollups(db: str, world) -> dict[str, Any]:
    """Run rebuild_rollups (dashboards and map) and measure the map roll-up's size."""
    from civicdesk.publicmap.models import MapCellCount, MappedRequest
    from civicdesk.servicerequests.models import ServiceRequest
    from civicdesk.transparency import rollups

    began = time.perf_counter()
    rollups.rebuild_rollups()
    seconds = time.perf_counter() - began
    common.settle()
    cells, mapped = MapCellCount.objects.count(), MappedRequest.objects.count()
    requests = ServiceRequest.objects.count()
    say(f"[{db}] rebuild_rollups {seconds:.1f} s; map roll-up {cells:,} cell rows, {mapped:,} request states")
    return {"rebuild_s": seconds, "cells": cells, "mapped": mapped,
            "cells_per_million": round(cells * 1_000_000 / requests) if requests else 0}


def time_sync(db: str, world) -> dict[str, Any]:
    """1,000 open requests closed through the service, then one sync_rollups timed (both roll-ups)."""
    from civicdesk.servicerequests import services
    from civicdesk.servicerequests.models import ServiceRequest
    from civicdesk.transparency import rollups

    changed = list(ServiceRequest.objects.filter(is_open=True).order_by("-pk")[:1000])
    for request in changed:
        services.transition(request, world.statuses["fixed"], force=True)
    began = time.perf_counter()
    rollups.sync_rollups()
    seconds = time.perf_counter() - began
    say(f"[{db}] sync_rollups after {len(changed)} status changes: {seconds * 1000:.0f} ms")
    return {"changes": len(changed), "sync_ms": seconds * 1000}


if __name__ == "__main__":
    sys.exit(main())
