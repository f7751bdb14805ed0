"""Open-data export benchmark: rows/s of the requests dataset in each format (CSV, JSON, GeoJSON, Parquet).

    python bench/export.py [--size 1000000] [--db sqlite|postgres|both] [--formats csv,json,geojson,parquet]
                           [--dataset requests|requests-nyc]

Each database is set up and measured in its own subprocess, as in bench/staff_queue.py (same loader:
bench/workload.py). Each format is exported once (`--repeat N`: N times, the run with the least CPU time kept)
through `civicdesk.opendata.exports.export`, exactly as the
nightly task does: public requests read in keyset batches, descriptions masked, sensitive points snapped,
first visible photo looked up per batch, the file written to a temporary file, saved through the storage API
(local disk under --out-dir) and published.

How it counts, per format: "rows/s" is rows ÷ the whole export's wall time (read, write, save, publish);
"CPU s" is the export process's own CPU time (user + system; on SQLite that includes the database, which
runs in the process); "DB CPU s" is the PostgreSQL server's CPU time for the export (the backend process
serving the connection, read from /proc; "–" on SQLite or when /proc cannot be read); "rows per CPU s" is
rows ÷ (CPU s + DB CPU s): on a shared, busy machine it says more about the code than wall-clock rows/s.
"peak RSS" is the process's peak resident memory after the export (it also holds the generated data);
"export's own MB" is how far resident memory rose above where it stood while the export ran (sampled every
20 ms): constant memory shows as the same figure at every size. The second table sums the four formats, the way the nightly task runs them one after the
other: rows written (the rows of all four files) ÷ total seconds and ÷ total CPU seconds.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path
from typing import Any, Self

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parent.parent)]

import common  # noqa: E402  (bench/ is not a package; its modules import each other by name)

FORMATS = ("csv", "json", "geojson", "parquet")
HEADER = ["database", "stored rows", "format", "rows exported", "seconds", "rows/s", "CPU s", "DB CPU s",
          "rows per CPU s", "file MB", "peak RSS MB", "export's own MB"]
TOTAL_HEADER = ["database", "formats", "rows written", "seconds", "rows/s", "CPU s", "DB CPU s", "rows per CPU s"]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = common.bench_parser(__doc__, keep=True, label=True)
    parser.add_argument("--formats", default=",".join(FORMATS), help="comma-separated formats to export")
    parser.add_argument("--repeat", type=int, default=1,
                        help="export each format this many times and keep the run with the least CPU time (the "
                             "first export in a process also pays for loading code; on a busy machine the "
                             "fastest run is the one least disturbed)")
    parser.add_argument("--dataset", default="requests", choices=("requests", "requests-nyc"),
                        help="the requests in Open311 columns (default) or in NYC's 311 columns")
    args = parser.parse_args(argv)
    args.formats = [fmt.strip() for fmt in args.formats.split(",") if fmt.strip()]
    if args.repeat < 1:
        parser.error("--repeat must be 1 or more")
    if not args.formats or set(args.formats) - set(FORMATS):
        parser.error(f"--formats must be a list of {', '.join(FORMATS)}")
    return common.checked(parser, args)


say = common.say


def render(results: list[dict[str, Any]], args: argparse.Namespace, machine: str) -> str:
    command = (f"python bench/export.py --size {args.size} --db {args.db} --formats {','.join(args.formats)} "
               f"--dataset {args.dataset} --repeat {args.repeat}")
    label = f" · {args.label}" if args.label else ""
    lines = [f"## {common.now_utc()} · commit {common.git_commit()}{label}", "", f"`{command}` on {machine}.", ""]
    lines += [f"- {r['db']}: {r['server']}" for r in results]
    lines += ["", f"Stored before measuring: {args.size:,} requests (bench/workload.py). Dataset `{args.dataset}`, "
              f"each format exported {args.repeat} time(s) (the run with the least CPU time kept) "
              "through civicdesk.opendata.exports.export (the nightly task's code path), file saved through "
              "the storage API to local disk.", ""]
    rows = [[r["db"], r["stored"], m["format"], m["rows"], f"{m['seconds']:.2f}", _rate(m["rows"], m["seconds"]),
             f"{m['cpu_s']:.2f}", _db_cpu(m["db_cpu_s"]), _rate(m["rows"], m["cpu_s"] + (m["db_cpu_s"] or 0)),
             f"{m['bytes'] / 1e6:.1f}", f"{m['peak_rss_mb']:.0f}", f"{m['growth_mb']:.0f}"]
            for r in results for m in r["measurements"]]
    lines += [common.markdown_table(HEADER, rows), ""]
    totals = []
    for r in results:
        ms = r["measurements"]
        written, seconds, cpu = sum(m["rows"] for m in ms), sum(m["seconds"] for m in ms), sum(m["cpu_s"] for m in ms)
        db_cpu = None if any(m["db_cpu_s"] is None for m in ms) else sum(m["db_cpu_s"] for m in ms)
        totals.append([f"{r['db']}, total", ",".join(m["format"] for m in ms), written, f"{seconds:.2f}",
                       _rate(written, seconds), f"{cpu:.2f}", _db_cpu(db_cpu), _rate(written, cpu + (db_cpu or 0))])
    lines += [common.markdown_table(TOTAL_HEADER, totals), ""]
    return "\n".join(lines)


def _rate(rows: int, seconds: float) -> str:
    return f"{rows / seconds:,.0f}" if seconds else "–"


def _db_cpu(seconds: float | None) -> str:
    return "–" if seconds is None else f"{seconds:.2f}"


def server_cpu_seconds(connection) -> float | None:
    """CPU time (user + system) so far of the PostgreSQL backend serving `connection`, from /proc (the server
    runs on this machine in a benchmark); None on SQLite or when the process cannot be read."""
    import os

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.worker:
        return worker(args)
    options = ["--size", str(args.size), "--seed", str(args.seed), "--out-dir", str(args.out_dir), "--formats",
               ",".join(args.formats), "--dataset", args.dataset, "--repeat", str(args.repeat)]
    return common.run_benchmark(args, label="export", script=Path(__file__).resolve(), render=render,
                                worker_options=options, keep=args.keep,
                                env_extra={"MEDIA_ROOT": str(args.out_dir / "media")})


def measure(dataset, fmt: str, connection) -> dict[str, Any]:
    """Export `dataset` as `fmt` once through exports.export; its rows, wall and CPU seconds, size and memory."""
    from civicdesk.opendata.exports import export

    server_before = server_cpu_seconds(connection)
    cpu_before = time.process_time()
    with RssSampler() as sampler:
        item = export(dataset, fmt)
    cpu = time.process_time() - cpu_before
    server_after = server_cpu_seconds(connection)
    db_cpu = None if server_before is None or server_after is None else server_after - server_before
    return {"format": fmt, "rows": item.row_count, "seconds": item.duration,
            "rows_per_s": item.rows_per_second() or 0.0, "cpu_s": cpu, "db_cpu_s": db_cpu, "bytes": item.size,
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "growth_mb": sampler.growth_mb}


class RssSampler:
    """The process's resident memory read from /proc every 20 ms while the block runs: `growth_mb` is the most it
    rose above where it stood when the block began, i.e. the export's own memory (the peak RSS of the whole
    process also holds the generated data and what earlier formats left in the allocator)."""

    def __enter__(self) -> Self:
        import threading

        self.start = self.peak = _rss_mb()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, _rss_mb())

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, _rss_mb())

    @property
    def growth_mb(self) -> float:
        return self.peak - self.start


def _rss_mb() -> float:
    """Resident memory of this process now, in MB (Linux /proc; 0 where it cannot be read)."""
    import os

    try:
        return int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        return 0.0


def worker(args: argparse.Namespace) -> int:
    import django

    django.setup()
    from django.db import connection

    from civicdesk.opendata.builtin import BUILTIN
    from civicdesk.servicerequests.models import ServiceRequest

    import workload

    db = args.worker
    world, city, load = workload.loaded_world(db, args.size, args.seed, say)
    common.settle()
    results = []
    for fmt in args.formats:
        runs = [measure(BUILTIN[args.dataset], fmt, connection) for _ in range(args.repeat)]
        best = min(runs, key=lambda run: run["cpu_s"] + (run["db_cpu_s"] or 0))
        results.append(best)
        cpu = best["cpu_s"] + (best["db_cpu_s"] or 0)
        say(f"[{db}] {fmt}: {best['rows']:,} rows in {best['seconds']:.2f} s ({best['rows_per_s']:,.0f} rows/s; "
            f"{best['cpu_s']:.2f} CPU s, DB {_db_cpu(best['db_cpu_s'])} CPU s; {_rate(best['rows'], cpu)} rows per "
            f"CPU s), {best['bytes']:,} bytes, peak RSS {best['peak_rss_mb']:.0f} MB"
            + (f" (best of {args.repeat})" if args.repeat > 1 else ""))
    result = {"db": db, "server": common.describe_server(connection), "stored": ServiceRequest.objects.count(),
              "measurements": results}
    args.result_file.write_text(json.dumps(result, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
