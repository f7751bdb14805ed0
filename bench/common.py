"""Shared benchmark helpers: a throwaway PostgreSQL, machine facts, percentiles and result tables."""

from __future__ import annotations

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
        subprocess.run(_as_postgres([str(initdb), "-D", str(datadir), "-U", "postgres", "--auth=trust",
                                     "-E", "UTF8"]), **quiet)
        subprocess.run(_as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(datadir), "-l", str(datadir / "log"),
                                     "-w", "-o", options, "start"]), **quiet)
        started = True
        subprocess.run(_as_postgres([str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(port),
                                     "-U", "postgres", "civicdesk_bench"]), **quiet)
        yield f"postgres://postgres@127.0.0.1:{port}/civicdesk_bench"
    except subprocess.CalledProcessError as exc:
        raise RuntimeError(f"starting PostgreSQL failed: {exc.cmd[-1]}: {exc.stderr.decode(errors='replace')}") from exc
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
    """The short commit of HEAD, with "+changes" when the work tree differs from it (read-only git)."""
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


def now_utc() -> str:
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
