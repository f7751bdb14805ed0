"""bench/staff_import.py still runs end to end (at a tiny size; its timings are not judged)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
# The database starts as a copy of one migrated per test run (civicdesk/testing/fixtures.py).
pytestmark = pytest.mark.usefixtures("bench_sqlite_template")


def test_it_prints_and_appends_a_row_with_a_constant_number_of_plan_queries(tmp_path):
    results = tmp_path / "RESULTS.md"
    run = subprocess.run(
        [sys.executable, str(REPO / "bench" / "staff_import.py"), "--size", "40", "--calls", "1", "--db", "sqlite",
         "--out-dir", str(tmp_path), "--results", str(results), "--label", "test"],
        cwd=REPO, capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode == 0, run.stderr
    rows = [line.strip("|").split("|") for line in results.read_text().splitlines() if line.startswith("| sqlite |")]
    assert len(rows) == 1
    assert rows[0][1].strip() == "40" and int(rows[0][4]) <= 8
    assert not list(tmp_path.glob("*.sqlite3"))
