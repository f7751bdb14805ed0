"""bench/staff_queue.py: the queue benchmark still runs end to end (at a tiny size; its numbers are not judged)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
# The database starts as a copy of one migrated per test run (civicdesk/testing/fixtures.py).
pytestmark = pytest.mark.usefixtures("bench_sqlite_template")
MEASUREMENTS = ["first page, my department", "first page, my department, pothole filter",
                "second page (keyset), my department", "second page (keyset), my department, pothole",
                "capped counts of all queues"]


def test_it_prints_and_appends_one_row_per_measurement(tmp_path):
    results = tmp_path / "RESULTS.md"
    run = subprocess.run(
        [sys.executable, str(REPO / "bench" / "staff_queue.py"), "--size", "300", "--calls", "3", "--db", "sqlite",
         "--out-dir", str(tmp_path), "--results", str(results)],
        cwd=REPO, capture_output=True, text=True, timeout=180, check=False)
    assert run.returncode == 0, run.stderr
    rows = [line.strip("|").split("|") for line in results.read_text().splitlines() if line.startswith("| sqlite |")]
    assert [row[2].strip() for row in rows] == MEASUREMENTS
    for row in rows:
        stored, calls, queries, p50 = (float(row[i].replace(",", "")) for i in (1, 3, 5, 6))
        assert stored == 300 and calls == 3 and queries >= 1 and p50 > 0
    assert 0 < int(rows[0][4]) <= 50  # bob's department has open requests, at most one page of them
    assert not list(tmp_path.glob("*.sqlite3"))  # the database is removed afterwards
