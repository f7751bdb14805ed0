"""bench/intake.py: the intake benchmark still runs end to end (at a tiny size; its numbers are not judged)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from civicdesk.testing.markdown_tables import markdown_table

REPO = Path(__file__).resolve().parents[3]
# The database starts as a copy of one migrated per test run (civicdesk/testing/fixtures.py).
pytestmark = pytest.mark.usefixtures("bench_sqlite_template")
RUN_HEADER = ["database", "stored rows", "processes", "submissions", "throughput req/s", "p50 ms", "p99 ms",
              "max ms"]


_table = markdown_table


def _number(cell: str) -> float:
    return float(cell.replace(",", ""))


@pytest.fixture(scope="module")
def bench(tmp_path_factory):
    """One run of the benchmark on SQLite with 200 stored requests and 20 timed submissions per run."""
    out = tmp_path_factory.mktemp("bench")
    results = out / "RESULTS.md"
    run = subprocess.run(
        [sys.executable, str(REPO / "bench" / "intake.py"), "--size", "200", "--submissions", "20",
         "--db", "sqlite", "--out-dir", str(out), "--results", str(results)],
        cwd=REPO, capture_output=True, text=True, timeout=120, check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    return run.stdout, results.read_text(encoding="utf-8"), out


def test_it_prints_one_row_per_run_with_positive_numbers(bench):
    stdout, _, _ = bench
    header, rows = _table(stdout, "database")
    assert header == RUN_HEADER
    assert [(row[0], row[2], row[3]) for row in rows] == [("sqlite", "1", "20"), ("sqlite", "2", "20")]
    for row in rows:
        assert _number(row[1]) >= 200  # the stored history plus what earlier submissions added
        assert all(_number(cell) > 0 for cell in row[4:])
        assert _number(row[5]) <= _number(row[6]) <= _number(row[7])  # p50 <= p99 <= max


def test_it_reports_the_load_rate_and_the_queries_of_each_service_type(bench):
    stdout, _, _ = bench
    _, loads = _table(stdout, "database | requests loaded")
    assert loads[0][0] == "sqlite" and loads[0][1] == "200" and _number(loads[0][4]) > 0
    header, queries = _table(stdout, "database | pothole")
    assert header == ["database", "pothole", "missed-collection", "graffiti", "records"]
    assert all(_number(cell) > 0 for cell in queries[0][1:])


def test_it_appends_the_printed_report_to_the_results_file(bench):
    stdout, results, _ = bench
    section = results[results.index("## "):]
    assert section.strip() in stdout
    assert "commit " in section and "CPUs" in section


def test_it_removes_its_sqlite_database_afterwards(bench):
    _, _, out = bench
    assert not list(out.glob("*.sqlite3*"))
    assert (out / "intake-queries-sqlite.txt").read_text(encoding="utf-8").startswith("== pothole:")
