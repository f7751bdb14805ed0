"""Shared benchmark helpers: a throwaway PostgreSQL, machine facts, percentiles and result tables."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import platform
import shutil
import socket
import sqlite3
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BENCH_DIR = REPO / "bench"
OUT_DIR = BENCH_DIR / "out"
RESULTS = BENCH_DIR / "RESULTS.md"
PG_BIN = Path(os.environ.get("BENCH_PG_BIN", "/usr/lib/postgresql/15/bin"))


def percentile(sorted_values: Sequence[float], pct: float) -> float:
    """The nearest-rank percentile of already sorted values (pct in 0..100); 0.0 for no values."""
    if not sorted_values:
        return 0.0
    rank = max(1, -(-len(sorted_values) * pct // 100))  # ceil without floats drifting
    return sorted_values[min(int(rank), len(sorted_values)) - 1]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _as_postgres(args: list[str]) -> list[str]:
    # initdb refuses to run as root, so root drops to the postgres user (as .ci/run does).
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


@contextlib.contextmanager
def throwaway_postgres(settings: dict[str, str]) -> Iterator[str]:
    """Start a private PostgreSQL cluster on 127.0.0.1 and a free port; yield its URL; remove it after.

    `settings` are server options passed as `-c name=value`. Raises RuntimeError
    when the PostgreSQL 15 server binaries are missing.
    """
    initdb = PG_BIN / "initdb"
    if not initdb.exists():
        raise RuntimeError(f"{initdb} is missing: install Debian's postgresql package or set BENCH_DATABASE_URL")
    datadir = Path(tempfile.mkdtemp(prefix="civicdesk-bench-pg."))
    if os.geteuid() == 0:
        shutil.chown(datadir, "postgres")
    port = free_port()
    options = " ".join([f"-c listen_addresses=127.0.0.1 -p {port} -k {datadir}",
                        *(f"-c {name}={value}" for name, value in settings.items())])
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.PIPE, "check": True}
    started = False
    try:
        try:
            subprocess.run(_as_postgres([str(initdb), "-D", str(datadir), "-U", "postgres", "--auth=trust",
                                         "-E", "UTF8"]), **quiet)
            subprocess.run(_as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(datadir), "-l", str(datadir / "log"),
                                         "-w", "-o", options, "start"]), **quiet)
            started = True
            subprocess.run(_as_postgres([str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(port),
                                         "-U", "postgres", "civicdesk_bench"]), **quiet)
        except subprocess.CalledProcessError as exc:  # only the start: the caller's own failures pass through
            raise RuntimeError(f"starting PostgreSQL failed: {exc.cmd[-1]}: "
                               f"{(exc.stderr or b'').decode(errors='replace')}") from exc
        yield f"postgres://postgres@127.0.0.1:{port}/civicdesk_bench"
    finally:
        if started:
            subprocess.run(_as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(datadir), "-m", "fast", "-w", "stop"]),
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        shutil.rmtree(datadir, ignore_errors=True)


def postgres_version() -> str:
    """The server binaries' version, e.g. "15.14", or "" when they are missing."""
    try:
        out = subprocess.run([str(PG_BIN / "postgres"), "--version"], capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return ""
    return out.stdout.split()[-1]


def machine(load: tuple[float, float, float], fsync: float) -> str:
    """One line about this machine: cores, CPU model, memory, Python and SQLite versions, `load` (the
    load averages before the run: other work on the machine skews every number) and `fsync` (ms)."""
    model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    memory = ""
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB RAM"
                break
    return (f"{os.cpu_count()} CPUs ({model or platform.processor() or 'unknown model'}), {memory or 'RAM unknown'}, "
            f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}; "
            f"load average {', '.join(f'{value:.1f}' for value in load)} before the run; "
            f"fsync of 4 KiB takes {fsync:.1f} ms (median)")


def fsync_ms(folder: Path, rounds: int = 30) -> float:
    """The median time in ms to write and fsync 4 KiB in `folder`: what one durable commit costs at least."""
    timings = []
    with tempfile.NamedTemporaryFile(dir=folder) as handle:
        for _ in range(rounds):
            handle.write(b"x" * 4096)
            handle.flush()
            began = time.perf_counter()
            os.fsync(handle.fileno())
            timings.append(time.perf_counter() - began)
    return percentile(sorted(timings), 50) * 1000


def git_commit() -> str:
    """The short commit of HEAD, with "+changes" when the work tree differs from it (read-only git);
    BENCH_COMMIT, when set, says it instead (a tree exported without its .git folder)."""
    if os.environ.get("BENCH_COMMIT"):
        return os.environ["BENCH_COMMIT"]
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True,
                              text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    dirty = subprocess.run(["git", "diff", "--quiet", "HEAD", "--", "civicdesk"], cwd=REPO,
                           capture_output=True, check=False).returncode == 1
    return f"{head}+changes" if dirty else head


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A GitHub markdown table; numbers are right-aligned."""
    def cell(value: object) -> str:
        if isinstance(value, float):
            return f"{value:,.1f}" if value >= 100 else f"{value:,.2f}"
        if isinstance(value, int):
            return f"{value:,}"
        return str(value)

    numeric = [bool(rows) and all(isinstance(row[i], (int, float)) for row in rows) for i in range(len(header))]
    lines = ["| " + " | ".join(header) + " |",
             "|" + "|".join("---:" if num else "---" for num in numeric) + "|"]
    lines += ["| " + " | ".join(cell(value) for value in row) + " |" for row in rows]
    return "\n".join(lines)


def results_heading(command: str, machine: str, results: Sequence[dict] = ()) -> list[str]:
    """The first lines of a RESULTS.md section: when, at which commit, the command and the machine, then one line
    per database run (`db`: `server`)."""
    lines = [f"## {now_utc()} · commit {git_commit()}", "", f"`{command}` on {machine}.", ""]
    return lines + [f"- {r['db']}: {r['server']}" for r in results]


def now_utc() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


# --- Set-up shared by every benchmark: databases, Django in a subprocess, a live server --------------------------

def say(message: str) -> None:
    print(message, flush=True)


@contextlib.contextmanager
def database_url(db: str, name: str, out_dir: Path, *, pg_fsync: str = "on", keep: bool = False,
                 pg_settings: dict[str, str] | None = None) -> Iterator[str]:
    """A URL of an empty database of kind `db` ("sqlite" or "postgres"), removed afterwards when this run made it.

    SQLite: a new file `<name>.sqlite3` in `out_dir` (kept with `keep`), a copy of BENCH_SQLITE_TEMPLATE when set
    (a migrated empty database). PostgreSQL: BENCH_DATABASE_URL when set
    (it must point at an empty database), otherwise a throwaway cluster (see throwaway_postgres), durable unless
    `pg_fsync` is "off", with 1 GB of shared buffers and any `pg_settings` on top.
    """
    if db == "sqlite":
        path = out_dir / f"{name}.sqlite3"
        files = [Path(f"{path}{suffix}") for suffix in ("", "-wal", "-shm")]
        for file in files:
            file.unlink(missing_ok=True)
        template = os.environ.get("BENCH_SQLITE_TEMPLATE")
        if template and Path(template).is_file():
            # An empty database already migrated (the test suite's benchmark smoke tests make one per run):
            # the worker's migrate then has nothing left to apply.
            shutil.copyfile(template, path)
        try:
            yield f"sqlite:///{path}"
        finally:
            for file in files if not keep else []:
                file.unlink(missing_ok=True)
    elif os.environ.get("BENCH_DATABASE_URL"):
        yield os.environ["BENCH_DATABASE_URL"]
    else:
        settings = {"fsync": pg_fsync, "synchronous_commit": pg_fsync, "full_page_writes": pg_fsync,
                    "shared_buffers": "1GB", **(pg_settings or {})}
        with throwaway_postgres(settings) as url:
            yield url


def django_env(url: str, out_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of a benchmark subprocess: Django reads its settings from it at django.setup()."""
    env = {**os.environ, "DATABASE_URL": url, "CIVICDESK_VAR_DIR": str(out_dir / "var"),
           "CITY_PACK": "civicdesk.cities.default.DefaultCity", "DJANGO_SETTINGS_MODULE": "civicdesk.settings",
           "DEBUG": "false", "LOG_LEVEL": "WARNING", "ALLOWED_HOSTS": "127.0.0.1",
           "SITE_URL": "http://127.0.0.1", "TESTING": "false", **extra}
    env.pop("DATABASE_URL_FILE", None)  # it would win over DATABASE_URL
    return env


def run_worker(script: Path, db: str, url: str, out_dir: Path, options: list[str],
               env_extra: dict[str, str] | None = None) -> dict:
    """Run `script --worker db --result-file F *options` with Django configured for `url`; return F's JSON."""
    import json
    import sys

    result_file = out_dir / f"{script.stem}-{db}.json"
    result_file.unlink(missing_ok=True)
    command = [sys.executable, str(script), "--worker", db, "--result-file", str(result_file), *options]
    subprocess.run(command, env=django_env(url, out_dir, **(env_extra or {})), cwd=REPO, check=True)
    return json.loads(result_file.read_text(encoding="utf-8"))


def bench_parser(doc: str, *, size: int = 1_000_000, size_help: str = "requests stored before measuring",
                 seed: int = 311, calls: int | None = None, calls_help: str = "timed calls per measurement",
                 keep: bool = False, label: bool = False) -> argparse.ArgumentParser:
    """The options every worker-based benchmark takes (--size, --calls when given, --db, --seed, --out-dir,
    --results, --no-record, --keep and --label when asked, and the hidden worker options); the script adds
    its own, parses, then calls `checked(parser, args)`."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--size", type=int, default=size, help=size_help)
    if calls is not None:
        parser.add_argument("--calls", type=int, default=calls, help=calls_help)
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--seed", type=int, default=seed, help="seed for the stored requests")
    parser.add_argument("--out-dir", type=Path, default=OUT_DIR, help="databases and logs go here")
    parser.add_argument("--results", type=Path, default=RESULTS, help="markdown file results are appended to")
    parser.add_argument("--no-record", action="store_true", help="print the results without appending them")
    if keep:
        parser.add_argument("--keep", action="store_true", help="keep the SQLite database in --out-dir afterwards")
    if label:
        parser.add_argument("--label", default="", help="words added to the RESULTS.md heading (e.g. 'smoke run')")
    parser.add_argument("--worker", choices=["sqlite", "postgres"], help=argparse.SUPPRESS)
    parser.add_argument("--result-file", type=Path, help=argparse.SUPPRESS)
    return parser


def checked(parser: argparse.ArgumentParser, args: argparse.Namespace) -> argparse.Namespace:
    """`args` with --size and --calls checked positive (a parser error otherwise) and --out-dir made absolute."""
    if args.size < 1 or getattr(args, "calls", 1) < 1:
        parser.error("--size and --calls must be positive")
    args.out_dir = args.out_dir.resolve()
    return args


def run_benchmark(args, *, label: str, script: Path, worker_options: list[str], render, keep: bool = False,
                  env_extra: dict[str, str] | None = None) -> int:
    """The parent side shared by the benchmarks that measure in a worker subprocess (map, dashboard, export,
    hotspots, reports, staff_queue): for each database of `args.db`, a new database named `<label>-<size>`
    and the script's worker run against it with `worker_options`; then `render(results, args, machine)` is
    printed and appended to `args.results` unless `args.no_record`. Returns the exit code (1 after a failure).
    """
    args.out_dir.mkdir(parents=True, exist_ok=True)
    facts = machine(os.getloadavg(), fsync_ms(args.out_dir))
    results = []
    for db in ["sqlite", "postgres"] if args.db == "both" else [args.db]:
        try:
            with database_url(db, f"{label}-{args.size}", args.out_dir, keep=keep) as url:
                results.append(run_worker(script, db, url, args.out_dir, worker_options, env_extra=env_extra))
        except (RuntimeError, subprocess.CalledProcessError) as exc:
            say(f"{label} benchmark on {db} failed: {exc}")
            return 1
    report = render(results, args, facts)
    say("\n" + report)
    if not args.no_record:
        with args.results.open("a", encoding="utf-8") as handle:
            handle.write("\n" + report)
        say(f"appended to {args.results}")
    return 0


def settle() -> None:
    """Bring a freshly loaded database to where a live one would be, before anything is timed.

    The load's dirty pages are flushed first (CHECKPOINT; SQLite's WAL folded
    back into the database), so that the measurement does not pay for writing
    them out. PostgreSQL's autovacuum would analyse a freshly loaded table
    within a minute, so run VACUUM ANALYZE; Django never runs ANALYZE on
    SQLite, so a live SQLite database has no statistics: leave it so.
    """
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE")
            cursor.execute("CHECKPOINT")
        else:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def describe_server(connection) -> str:
    """The database's version and the settings that decide commit cost, as the server reports them."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            names = ["server_version", "fsync", "synchronous_commit", "full_page_writes", "shared_buffers"]
            values = []
            for name in names:
                cursor.execute(f"SHOW {name}")
                values.append(cursor.fetchone()[0])
            return "PostgreSQL " + values[0] + ", " + ", ".join(f"{n}={v}" for n, v in zip(names[1:], values[1:]))
        cursor.execute("SELECT sqlite_version()")
        version = cursor.fetchone()[0]
        cursor.execute("PRAGMA journal_mode")
        journal = cursor.fetchone()[0]
        cursor.execute("PRAGMA synchronous")
        synchronous = {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}.get(cursor.fetchone()[0], "?")
        return f"SQLite {version}, journal_mode={journal}, synchronous={synchronous}"


def fetch(port: int, method: str, path: str, body: str | None = None, connection=None,
          headers: dict[str, str] | None = None, received: dict[str, str] | None = None
          ) -> tuple[int, bytes, float]:
    """One HTTP call to 127.0.0.1:`port`; returns status, body and seconds taken (to the last byte).

    With `connection` (an http.client.HTTPConnection) the call reuses it; it reconnects by itself
    when the server closed it (gunicorn's sync workers close after every response). With `received`, the
    response's headers are put in it (names in lower case).
    """
    import http.client

    conn = connection or http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    sent = dict(headers or {})
    if body is not None:
        sent.setdefault("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
    began = time.perf_counter()
    conn.request(method, path, body=body, headers=sent)
    response = conn.getresponse()
    content = response.read()
    seconds = time.perf_counter() - began
    if received is not None:
        received.update((name.lower(), value) for name, value in response.getheaders())
    if connection is None:
        conn.close()
    return response.status, content, seconds


@contextlib.contextmanager
def live_server(log_path: Path, *, workers: int = 2, env: dict[str, str] | None = None,
                ready_path: str = "/healthz") -> Iterator[int]:
    """`manage.py serve --workers N --no-worker --sweep-every 0` (gunicorn, sync workers, access log on) on
    127.0.0.1 and a free port, with the current environment (plus `env`); yields the port once `ready_path`
    answers 200, and stops it afterwards (SIGTERM to serve, which stops gunicorn; SIGKILL if it hangs)."""
    import signal
    import sys

    port = free_port()
    log = log_path.open("w")
    server = subprocess.Popen([sys.executable, "manage.py", "serve", "--host", "127.0.0.1", "--port", str(port),
                               "--workers", str(workers), "--no-worker", "--sweep-every", "0"],
                              cwd=REPO, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})},
                              start_new_session=True)
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                status, _, _ = fetch(port, "GET", ready_path)
                if status == 200:
                    break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the server did not start; see {log_path}")
            time.sleep(0.2)
        yield port
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=40)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)  # its own session: serve and its gunicorn children only
            server.wait()
        log.close()


def latency_row(latencies: Sequence[float]) -> dict[str, float]:
    """p50, p99 and max of latencies given in seconds, in milliseconds."""
    ordered = sorted(latencies)
    return {"p50_ms": percentile(ordered, 50) * 1000, "p99_ms": percentile(ordered, 99) * 1000,
            "max_ms": (ordered[-1] if ordered else 0.0) * 1000}


def machine_facts() -> dict[str, str]:
    """CPU model, core count and memory, for a results header."""
    model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    memory = ""
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    return {"cpu": model or platform.processor() or "unknown", "cores": str(os.cpu_count()), "ram": memory or "?"}
