"""Boundary import benchmark: a zipped state-plane shapefile of many districts read, checked, saved and routed.

    python bench/boundary_import.py [--size 1000] [--vertices 400] [--calls 3] [--db sqlite|postgres|both]

Each database is set up in its own subprocess (as bench/hotspots.py): migrate, one jurisdiction (a square of
0.5° around a point in west Georgia), then a zipped shapefile of `--size` districts tiling it in a grid, each
outline with `--vertices` points (precinct-like detail), written with pyshp in NAD83 / Georgia West (ftUS),
EPSG:2240, with its .prj. Timed, median of `--calls` runs after one untimed run:

- read ms: `read_boundary_file()` (unzip in memory, pyshp, pyproj to WGS84);
- plan ms: `plan_import()` (read again, then every check: validity, country, outside the jurisdiction,
  overlaps between all districts with an STRtree);
- save ms: `apply_plan()` of a fresh plan (one transaction: every district written, audit entry), with the
  districts deleted again between runs;
- locates/s: `jurisdictions.services.locate()` for 20,000 random points inside the jurisdiction after the
  import (district index built once, not timed).
"""

from __future__ import annotations

import argparse
import io
import random
import statistics
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parent.parent)]

import common  # noqa: E402  (bench/ is not a package; its modules import each other by name)

WEST, SOUTH, SIDE = -85.2, 32.2, 0.5
HEADER = ["database", "districts", "vertices each", "file KB", "read ms", "plan ms", "save ms", "locates/s"]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = common.bench_parser(__doc__, size=1000, size_help="districts in the file", calls=3,
                                 calls_help="timed runs of each step", label=True)
    parser.add_argument("--vertices", type=int, default=400, help="points on each district's outline")
    args = parser.parse_args(argv)
    if args.vertices < 4:
        parser.error("--vertices must be at least 4")
    return common.checked(parser, args)


def grid_shapefile(size: int, vertices: int) -> bytes:
    """A zip of .shp/.shx/.dbf/.prj: `size` districts in a grid over the jurisdiction, in EPSG:2240."""
    import math

    import shapefile
    from pyproj import CRS, Transformer
    from pyproj.enums import WktVersion

    columns = math.ceil(math.sqrt(size))
    rows = math.ceil(size / columns)
    width, height = SIDE / columns, SIDE / rows
    per_side = max(1, vertices // 4)
    to_plane = Transformer.from_crs("EPSG:4326", "EPSG:2240", always_xy=True)
    shp, shx, dbf = io.BytesIO(), io.BytesIO(), io.BytesIO()
    with shapefile.Writer(shp=shp, shx=shx, dbf=dbf, shapeType=shapefile.POLYGON) as writer:
        writer.field("PRECINCT", "C", size=20)
        for n in range(size):
            x0, y0 = WEST + (n % columns) * width, SOUTH + (n // columns) * height
            corners = [(x0, y0), (x0, y0 + height), (x0 + width, y0 + height), (x0 + width, y0)]  # clockwise
            ring = []
            for (ax, ay), (bx, by) in zip(corners, corners[1:] + corners[:1]):
                ring += [(ax + (bx - ax) * i / per_side, ay + (by - ay) * i / per_side) for i in range(per_side)]
            ring.append(ring[0])
            writer.poly([[list(to_plane.transform(x, y)) for x, y in ring]])
            writer.record(f"Precinct {n + 1}")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("precincts.shp", shp.getvalue())
        archive.writestr("precincts.shx", shx.getvalue())
        archive.writestr("precincts.dbf", dbf.getvalue())
        archive.writestr("precincts.prj", CRS.from_epsg(2240).to_wkt(WktVersion.WKT1_ESRI))
    return out.getvalue()


def timed(calls: int, step) -> float:
    step()  # untimed: imports, caches
    times = []
    for _ in range(calls):
        started = time.perf_counter()
        step()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def worker(args: argparse.Namespace) -> dict[str, Any]:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from civicdesk.jurisdictions.models import District, Jurisdiction
    from civicdesk.jurisdictions.services import clear_caches, locate
    from civicdesk.onboarding.boundaries import apply_plan, plan_import
    from civicdesk.onboarding.geofiles import read_boundary_file

    ring = [[WEST, SOUTH], [WEST + SIDE, SOUTH], [WEST + SIDE, SOUTH + SIDE], [WEST, SOUTH + SIDE], [WEST, SOUTH]]
    town = Jurisdiction.objects.create(name="Bench County", slug="bench", open311_id="bench.example.gov",
                                       boundary={"type": "Polygon", "coordinates": [ring]})
    data = grid_shapefile(args.size, args.vertices)

    def plan():
        return plan_import(data, kind="district", filename="precincts.zip", name_field="PRECINCT",
                           jurisdiction=town)

    first = plan()
    if not first.ok:
        raise SystemExit("the benchmark file was refused: " + "; ".join(first.refusals()[:3]))
    read_ms = timed(args.calls, lambda: read_boundary_file(data, "precincts.zip"))
    plan_ms = timed(args.calls, plan)

    def save():
        District.objects.filter(jurisdiction=town).delete()
        fresh = plan()
        started = time.perf_counter()
        apply_plan(fresh, source="precincts.zip")
        return (time.perf_counter() - started) * 1000

    save()
    save_ms = statistics.median(save() for _ in range(args.calls))
    clear_caches()
    rng = random.Random(args.seed)
    points = [(SOUTH + rng.random() * SIDE, WEST + rng.random() * SIDE) for _ in range(20_000)]
    locate(*points[0])
    started = time.perf_counter()
    found = sum(1 for lat, long in points if locate(lat, long).district is not None)
    locates = len(points) / (time.perf_counter() - started)
    if found < len(points) * 0.99:
        raise SystemExit(f"only {found} of {len(points)} points found a district")
    return {"db": args.worker, "server": common.describe_server(connection), "districts": args.size,
            "vertices": args.vertices, "file_kb": len(data) / 1024, "read_ms": read_ms, "plan_ms": plan_ms,
            "save_ms": save_ms, "locates": locates}


def render(results: list[dict[str, Any]], args: argparse.Namespace, machine: str) -> str:
    command = (f"python bench/boundary_import.py --size {args.size} --vertices {args.vertices} "
               f"--calls {args.calls} --db {args.db}")
    label = f" · {args.label}" if args.label else ""
    lines = [f"## {common.now_utc()} · commit {common.git_commit()}{label}", "", f"`{command}` on {machine}.", ""]
    lines += [f"- {r['db']}: {r['server']}" for r in results]
    lines += ["", "Boundary import (bench/boundary_import.py's docstring defines each column):", ""]
    rows = [[r["db"], r["districts"], r["vertices"], round(r["file_kb"]), round(r["read_ms"]), round(r["plan_ms"]),
             round(r["save_ms"]), round(r["locates"])] for r in results]
    return "\n".join(lines) + "\n" + common.markdown_table(HEADER, rows) + "\n"


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.worker:
        import json

        args.result_file.write_text(json.dumps(worker(args)), encoding="utf-8")
        return 0
    options = ["--size", str(args.size), "--vertices", str(args.vertices), "--calls", str(args.calls),
               "--seed", str(args.seed)]
    return common.run_benchmark(args, label="boundary-import", script=Path(__file__), worker_options=options,
                                render=render)


if __name__ == "__main__":
    sys.exit(main())
