"""bench/hotspots.py still runs end to end (at a tiny size; its timings are not judged)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
# The database starts as a copy of one migrated per test run (civicdesk/testing/fixtures.py).
pytestmark = pytest.mark.usefixtures("bench_sqlite_template")


def test_it_prints_and_appends_recall_and_precision_with_and_without_the_index(tmp_path):
    results = tmp_path / "RESULTS.md"
    run = subprocess.run(
        [sys.executable, str(REPO / "bench" / "hotspots.py"), "--size", "3000", "--clusters", "3", "--calls", "1",
         "--db", "sqlite", "--out-dir", str(tmp_path), "--results", str(results), "--label", "test"],
        cwd=REPO, capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode == 0, run.stderr
    rows = [line.strip("|").split("|") for line in results.read_text().splitlines() if line.startswith("| sqlite |")]
    assert [row[2].strip() for row in rows] == ["with", "without"]
    for row in rows:
        assert row[3].strip() == "3" and row[4].strip() == "3" and row[5].strip() == "1.00"  # all clusters found
        assert float(row[10]) > 0
    assert not list(tmp_path.glob("*.sqlite3"))
