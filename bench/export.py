"""Open-data export benchmark: rows/s of the requests dataset in each format (CSV, JSON, GeoJSON, Parquet).

    python bench/export.py [--size 1000000] [--db sqlite|postgres|both] [--formats csv,json,geojson,parquet]

Each database is set up and measured in its own subprocess, as in bench/staff_queue.py (same loader:
bench/workload.py). Each format is exported once through `civicdesk.opendata.exports.export`, exactly as the
nightly task does: public requests read in keyset batches, descriptions masked, sensitive points snapped,
first visible photo looked up per batch, the file written to a temporary file, saved through the storage API
(local disk under --out-dir) and published. "rows/s" is rows ÷ the whole export's wall time; "peak RSS" is
the process's peak resident memory after the export (constant memory shows as a flat figure across sizes).
"CPU s" is the export process's own CPU time (user + system; PostgreSQL's server time is not in it): on a
shared, busy machine rows per CPU second says more about the code than wall-clock rows/s.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path
from typing import Any

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parent.parent)]

import common  # noqa: E402  (bench/ is not a package; its modules import each other by name)

FORMATS = ("csv", "json", "geojson", "parquet")
HEADER = ["database", "stored rows", "format", "rows exported", "seconds", "rows/s", "CPU s", "rows per CPU s",
          "file MB", "peak RSS MB"]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = common.bench_parser(__doc__, keep=True, label=True)
    parser.add_argument("--formats", default=",".join(FORMATS), help="comma-separated formats to export")
    args = parser.parse_args(argv)
    args.formats = [fmt.strip() for fmt in args.formats.split(",") if fmt.strip()]
    if not args.formats or set(args.formats) - set(FORMATS):
        parser.error(f"--formats must be a list of {', '.join(FORMATS)}")
    return common.checked(parser, args)


say = common.say


def render(results: list[dict[str, Any]], args: argparse.Namespace, machine: str) -> str:
    command = (f"python bench/export.py --size {args.size} --db {args.db} --formats {','.join(args.formats)}")
    label = f" · {args.label}" if args.label else ""
    lines = [f"## {common.now_utc()} · commit {common.git_commit()}{label}", "", f"`{command}` on {machine}.", ""]
    lines += [f"- {r['db']}: {r['server']}" for r in results]
    lines += ["", f"Stored before measuring: {args.size:,} requests (bench/workload.py). Each format exported once "
              "through civicdesk.opendata.exports.export (the nightly task's code path), file saved through "
              "the storage API to local disk.", ""]
    rows = [[r["db"], r["stored"], m["format"], m["rows"], f"{m['seconds']:.2f}", f"{m['rows_per_s']:,.0f}",
             f"{m['cpu_s']:.2f}", f"{m['rows'] / m['cpu_s']:,.0f}" if m["cpu_s"] else "–",
             f"{m['bytes'] / 1e6:.1f}", f"{m['peak_rss_mb']:.0f}"] for r in results for m in r["measurements"]]
    lines += [common.markdown_table(HEADER, rows), ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.worker:
        return worker(args)
    options = ["--size", str(args.size), "--seed", str(args.seed), "--out-dir", str(args.out_dir), "--formats",
               ",".join(args.formats)]
    return common.run_benchmark(args, label="export", script=Path(__file__).resolve(), render=render,
                                worker_options=options, keep=args.keep,
                                env_extra={"MEDIA_ROOT": str(args.out_dir / "media")})


def worker(args: argparse.Namespace) -> int:
    import django

    django.setup()
    from django.db import connection

    from civicdesk.opendata.builtin import BUILTIN
    from civicdesk.opendata.exports import export
    from civicdesk.servicerequests.models import ServiceRequest

    import workload

    db = args.worker
    world, city, load = workload.loaded_world(db, args.size, args.seed, say)
    common.settle()
    results = []
    for fmt in args.formats:
        cpu_before = time.process_time()
        item = export(BUILTIN["requests"], fmt)
        cpu = time.process_time() - cpu_before
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        results.append({"format": fmt, "rows": item.row_count, "seconds": item.duration,
                        "rows_per_s": item.rows_per_second() or 0.0, "cpu_s": cpu, "bytes": item.size,
                        "peak_rss_mb": peak_mb})
        say(f"[{db}] {fmt}: {item.row_count:,} rows in {item.duration:.2f} s "
            f"({results[-1]['rows_per_s']:,.0f} rows/s; {cpu:.2f} CPU s), {item.size:,} bytes, peak RSS {peak_mb:.0f} MB")
    result = {"db": db, "server": common.describe_server(connection), "stored": ServiceRequest.objects.count(),
              "measurements": results}
    args.result_file.write_text(json.dumps(result, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
