"""Bulk loads against issue 15's targets: `generate_requests` and `import_311` (NYC and Chicago CSV), rows/s.

    python bench/bulk.py [--size 10000000] [--import-rows 1000000] [--db sqlite|postgres|both] [--profile DIR]
    python bench/bulk.py --size 20000 --import-rows 20000 --db postgres --no-record      # smoke run

Each database is set up and measured in its own subprocess (bench/common.py): migrate, the Riverbend demo
city without requests, then, timed one after the other in the same process:

- `generate_requests --size` in exclusive mode (`--rebuild-indexes`, the mode the target names);
- `import_311` of a NYC-shaped and of a Chicago-shaped CSV of `--import-rows` rows each, written beforehand
  by `generate_requests --output` (untimed), with `--create-types`, into the database the generator filled,
  every index kept up to date row by row (the mode a live site uses);
- the same two files again in exclusive mode (`import_311 --rebuild-indexes`, under another `--source` so
  their ids count as new), the rebuilding of the indexes at the end included in the time. The issue's
  importer targets do not name a mode; both are shown, labelled.

Columns: rows stored by the step; wall seconds; rows/s (rows ÷ wall seconds); "CPU s / 10k rows", the
command's own user+system CPU time (`getrusage`, this process only: on PostgreSQL the server's work is on
another core and not in it) per 10,000 rows, which a loaded machine distorts far less than the wall clock;
"target" the issue's rows/s (generator 50,000 on PostgreSQL; importer 50,000 on PostgreSQL, 25,000 on
SQLite; none for the generator on SQLite); "ratio" rows/s ÷ target; "RSS MB first / last" the process's
resident set size after the first committed batch and after the last one (constant memory: the second
should not grow with the file). `--profile DIR` runs each step under cProfile and writes its summary
(top functions by own time and by cumulative time) to DIR/<db>-<step>.txt; profiled runs are slower.
"""

from __future__ import annotations

import cProfile
import io
import json
import pstats
import resource
import sys
import time
from pathlib import Path
from typing import Any

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parent.parent)]

import common  # noqa: E402  (bench/ is not a package; its modules import each other by name)

HEADER = ["database", "step", "rows", "seconds", "rows/s", "CPU s / 10k rows", "target rows/s", "ratio",
          "RSS MB first / last"]
#: Issue 15's targets, rows per second, by (database, step kind).
TARGETS = {("postgres", "generate"): 50_000, ("postgres", "import"): 50_000, ("sqlite", "import"): 25_000}


def parse_args(argv: list[str] | None):
    parser = common.bench_parser(__doc__, size=10_000_000, size_help="requests generate_requests writes", label=True)
    parser.add_argument("--import-rows", type=int, default=1_000_000, help="rows of each CSV file import_311 loads")
    parser.add_argument("--batch", type=int, default=50_000, help="rows per transaction of both commands")
    parser.add_argument("--profile", type=Path, help="write cProfile summaries of each step to this folder")
    args = common.checked(parser, parser.parse_args(argv))
    if args.import_rows < 0 or args.batch < 1:
        parser.error("--import-rows cannot be negative and --batch must be positive")
    if args.profile:
        args.profile = args.profile.resolve()
    return args


def target_of(db: str, step: str) -> int | None:
    return TARGETS.get((db, "generate" if step.startswith("generate") else "import"))


def render(results: list[dict[str, Any]], args, machine: str) -> str:
    command = (f"python bench/bulk.py --size {args.size} --import-rows {args.import_rows} --batch {args.batch} "
               f"--db {args.db}" + (f" ({args.label})" if args.label else ""))
    lines = common.results_heading(command, machine, results)
    rows = []
    for result in results:
        for step in result["steps"]:
            target = target_of(result["db"], step["step"])
            rate = step["rows"] / step["seconds"] if step["seconds"] else 0.0
            rows.append([result["db"], step["step"], step["rows"], step["seconds"], rate,
                         10_000 * step["cpu"] / step["rows"] if step["rows"] else 0.0,
                         f"{target:,}" if target else "–", f"{rate / target:.2f}" if target else "–",
                         f"{step['rss_first']:.0f} / {step['rss_last']:.0f}"])
    lines += ["", common.markdown_table(HEADER, rows)]
    return "\n".join(lines) + "\n"


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def measured(name: str, db: str, rows_of, run, profile_dir: Path | None) -> dict:
    """Run `run(on_batch)` timed (wall and own CPU), optionally under cProfile; `rows_of(result)` counts rows."""
    memory: list[float] = []

    def on_batch(*_args) -> None:
        memory.append(rss_mb())

    profiler = cProfile.Profile() if profile_dir else None
    before = resource.getrusage(resource.RUSAGE_SELF)
    began = time.perf_counter()
    if profiler:
        profiler.enable()
    result = run(on_batch)
    if profiler:
        profiler.disable()
    seconds = time.perf_counter() - began
    after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    rows = rows_of(result)
    if profiler:
        out = io.StringIO()
        out.write(f"{name} on {db}: {rows:,} rows in {seconds:.1f} s wall, {cpu:.1f} s CPU (under cProfile)\n\n")
        stats = pstats.Stats(profiler, stream=out).strip_dirs()
        stats.sort_stats("tottime").print_stats(30)
        stats.sort_stats("cumulative").print_stats(30)
        profile_dir.mkdir(parents=True, exist_ok=True)
        (profile_dir / f"{db}-{name.replace(' ', '-')}.txt").write_text(out.getvalue(), encoding="utf-8")
    common.say(f"[{db}] {name}: {rows:,} rows in {seconds:.1f} s ({rows / seconds if seconds else 0:,.0f} rows/s), "
               f"{cpu:.1f} s CPU")
    return {"step": name, "rows": rows, "seconds": seconds, "cpu": cpu,
            "rss_first": memory[0] if memory else rss_mb(), "rss_last": memory[-1] if memory else rss_mb()}


def worker(args) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from civicdesk.cities.riverbend import Riverbend
    from civicdesk.datasets.generator import generate_requests
    from civicdesk.datasets.importer import import_file

    db = args.worker
    call_command("migrate", verbosity=0, interactive=False)
    Riverbend().seed_demo(requests=0)
    steps = [measured("generate_requests --rebuild-indexes", db, lambda r: r.requests,
                      lambda on_batch: generate_requests(args.size, seed=args.seed, batch=args.batch,
                                                         rebuild_indexes=True, on_batch=on_batch),
                      args.profile)]
    if args.import_rows:
        for fmt in ("nyc", "chicago"):
            path = args.out_dir / f"bulk-{fmt}-{db}-{args.import_rows}.csv"
            common.say(f"[{db}] writing a {fmt}-shaped CSV of {args.import_rows:,} rows ...")
            call_command("generate_requests", args.import_rows, output=str(path), format=fmt, seed=args.seed + 4,
                         progress=False, stdout=io.StringIO())
            rejects = path.with_name(path.name + ".rejects.csv")
            rejects.unlink(missing_ok=True)
            steps.append(measured(f"import_311 --format {fmt}", db, lambda s: s.loaded,
                                  lambda on_batch, path=path, fmt=fmt: import_file(
                                      path, fmt=fmt, create_types=True, batch=args.batch, on_batch=on_batch),
                                  args.profile))
        for fmt in ("nyc", "chicago"):
            # The same file again in exclusive mode, under another source name so that its ids count as new.
            path = args.out_dir / f"bulk-{fmt}-{db}-{args.import_rows}.csv"
            steps.append(measured(f"import_311 --format {fmt} --rebuild-indexes", db, lambda s: s.loaded,
                                  lambda on_batch, path=path, fmt=fmt: import_file(
                                      path, fmt=fmt, source=f"{fmt}-exclusive", create_types=True,
                                      batch=args.batch, rebuild_indexes=True, on_batch=on_batch),
                                  args.profile))
    result = {"db": db, "server": common.describe_server(connection), "steps": steps}
    args.result_file.write_text(json.dumps(result, indent=2), encoding="utf-8")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.worker:
        return worker(args)
    options = ["--size", str(args.size), "--import-rows", str(args.import_rows), "--batch", str(args.batch),
               "--seed", str(args.seed), "--out-dir", str(args.out_dir)]
    if args.profile:
        options += ["--profile", str(args.profile)]
    return common.run_benchmark(args, label="bulk", script=Path(__file__), worker_options=options, render=render)


if __name__ == "__main__":
    sys.exit(main())
