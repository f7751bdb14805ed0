"""Hotspot detection benchmark: recall and precision against injected clusters, and detection time, at scale.

    python bench/hotspots.py [--size 10000000] [--clusters 25] [--calls 3] [--db sqlite|postgres|both]

Each database is set up in its own subprocess (as bench/staff_queue.py): migrate, the Riverbend city without
requests (its ~2,000 addresses, districts, departments and routing), then `generate_requests --size` over the
last 365 days ending on a fixed late-August day (the generator's seasons barely move between June and August,
so a rise is the clusters' doing), with `--clusters` known clusters injected in the last 10 days
(civicdesk/datasets/generator.py: 10–18 requests of one kind within 80 m of one place), loaded with the
secondary indexes dropped and rebuilt. Then `civicdesk.insights.detection.detect()` runs `--calls` times after
one untimed call, first with the detection index (`ins_sr_detection`, insights migration 0002) and then without
it, to show what the index is worth.

- recall: injected clusters with a flagged cell of their kind overlapping their circle, over the clusters;
- stray cells: flagged cells of no injected cluster (the false positives); precision: flagged cells that
  belong to an injected cluster, over all flagged cells;
- detection ms: the whole detect() (every aggregate query: cells, districts and city, repeat locations, and the
  labels of flagged cells), median and slowest of the timed calls. Storing the results is not included (it
  writes only the flagged rows).
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

NOW = dt.datetime(2026, 8, 20, 15, 0, tzinfo=dt.timezone.utc)
HEADER = ["database", "stored rows", "index", "clusters", "found", "recall", "flagged cells", "stray cells",
          "precision", "other insights", "detect p50 ms", "detect max ms"]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = common.bench_parser(__doc__, size=10_000_000, size_help="ordinary requests stored before detecting",
                                 calls=3, calls_help="timed detection runs per configuration", label=True)
    parser.add_argument("--clusters", type=int, default=25, help="known clusters injected in the last 10 days")
    args = parser.parse_args(argv)
    if args.clusters < 0:
        parser.error("--clusters must not be negative")
    return common.checked(parser, args)


say = common.say


def render(results: list[dict[str, Any]], args: argparse.Namespace, machine: str) -> str:
    command = (f"python bench/hotspots.py --size {args.size} --clusters {args.clusters} --calls {args.calls} "
               f"--db {args.db}")
    label = f" · {args.label}" if args.label else ""
    lines = [f"## {common.now_utc()} · commit {common.git_commit()}{label}", "", f"`{command}` on {machine}.", ""]
    lines += [f"- {r['db']}: {r['server']}; loaded in {r['load_seconds']:.0f} s" for r in results]
    lines += ["", "Hotspot detection (bench/hotspots.py's docstring defines each column): one-sided Poisson test "
              "per cell of 0.005°, 14 days against the 12 weeks before, Benjamini–Hochberg at 1%, at least 5 "
              "reports and 1.5 times the expected count.", ""]
    rows = []
    for r in results:
        for m in r["measurements"]:
            rows.append([r["db"], r["stored"], m["index"], r["clusters"], m["found"], f"{m['recall']:.2f}",
                         m["flagged_cells"], m["stray_cells"], f"{m['precision']:.2f}", m["other"],
                         f"{m['p50_ms']:.0f}", f"{m['max_ms']:.0f}"])
    lines += [common.markdown_table(HEADER, rows), ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.worker:
        return worker(args)
    options = ["--size", str(args.size), "--clusters", str(args.clusters), "--calls", str(args.calls),
               "--seed", str(args.seed), "--out-dir", str(args.out_dir)]
    return common.run_benchmark(args, label="hotspots", script=Path(__file__).resolve(), render=render,
                                worker_options=options)


# --- The worker: set up, load, detect ---------------------------------------------------------------------------

def score(found, clusters: list[dict]) -> dict[str, Any]:
    """Recall, stray cells and precision of one detection against the injected clusters."""
    from civicdesk.insights.detection import cluster_found

    cells = [f for f in found.findings if f.kind == "cell"]
    hits = [c for c in clusters if any(f.service_type_id == c["type_id"] and cluster_found(c, f.bounds)
                                       for f in cells)]
    strays = [f for f in cells if not any(f.service_type_id == c["type_id"] and cluster_found(c, f.bounds)
                                          for c in clusters)]
    return {"found": len(hits), "recall": len(hits) / len(clusters) if clusters else 1.0,
            "flagged_cells": len(cells), "stray_cells": len(strays),
            "precision": (len(cells) - len(strays)) / len(cells) if cells else 1.0,
            "other": len(found.findings) - len(cells)}


def timed_detection(calls: int) -> tuple[Any, list[float]]:
    from civicdesk.insights.detection import detect

    found = detect(NOW)  # untimed: warms the caches as a periodic run on a live server would find them
    seconds = []
    for _ in range(calls):
        began = time.perf_counter()
        found = detect(NOW)
        seconds.append(time.perf_counter() - began)
    return found, sorted(seconds)


def worker(args: argparse.Namespace) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from civicdesk.catalog.models import ServiceType
    from civicdesk.cities.riverbend import Riverbend
    from civicdesk.datasets.generator import generate_requests
    from civicdesk.servicerequests.models import ServiceRequest

    import importlib

    index_sql = importlib.import_module("civicdesk.insights.migrations.0002_detection_index")
    db = args.worker
    call_command("migrate", verbosity=0, interactive=False)
    Riverbend().seed_demo(requests=0)
    say(f"[{db}] generating {args.size:,} requests with {args.clusters} clusters ...")
    load = generate_requests(args.size, seed=args.seed, now=NOW, clusters=args.clusters,
                             rebuild_indexes=args.size >= 100_000)
    say(f"[{db}] loaded {load.requests:,} requests in {load.seconds:.1f} s")
    common.settle()
    ids = dict(ServiceType.objects.values_list("code", "pk"))
    clusters = [{**c, "type_id": ids[c["service_code"]]} for c in load.clusters]
    measurements = []
    for index in ("with", "without"):
        if index == "without":
            with connection.cursor() as cursor:
                cursor.execute(f"DROP INDEX {index_sql.INDEX}")
                if connection.vendor == "postgresql":
                    cursor.execute("ANALYZE servicerequests_servicerequest")
        found, seconds = timed_detection(args.calls)
        measurements.append({"index": index, **score(found, clusters),
                             "p50_ms": common.percentile(seconds, 50) * 1000, "max_ms": seconds[-1] * 1000})
        say(f"[{db}] {index} the detection index: {measurements[-1]}")
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE INDEX {index_sql.INDEX} ON servicerequests_servicerequest "
                           f"({index_sql.COLUMNS})")
    result = {"db": db, "server": common.describe_server(connection), "stored": ServiceRequest.objects.count(),
              "clusters": len(clusters), "load_seconds": load.seconds, "measurements": measurements}
    args.result_file.write_text(json.dumps(result, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
