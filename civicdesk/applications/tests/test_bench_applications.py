"""bench/applications.py still runs end to end (at a tiny size; its numbers are not judged)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
# The database starts as a copy of one migrated per test run (civicdesk/testing/fixtures.py).
pytestmark = pytest.mark.usefixtures("bench_sqlite_template")
PAGES = ["queue: all open, my department (bob)", "queue: overdue, my department (bob)",
         "queue: all open, whole town (admin)", "queue: decision step, whole town (admin)",
         "queue: second page, whole town (admin)", "public verification page",
         "register: list, first page", "register: list, valid permits of one district",
         "register: list, a page deep in (keyset)", "register: map data, counts per cell",
         "register: map data, one district, issued in the last 30 days",
         "register: CSV export, issued in the last 30 days"]


def test_it_prints_and_appends_one_row_per_page(tmp_path):
    results = tmp_path / "RESULTS.md"
    run = subprocess.run(
        [sys.executable, str(REPO / "bench" / "applications.py"), "--size", "400", "--calls", "2", "--db", "sqlite",
         "--out-dir", str(tmp_path), "--results", str(results)],
        cwd=REPO, capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode == 0, run.stderr
    rows = [line.strip("|").split("|") for line in results.read_text().splitlines() if line.startswith("| sqlite |")]
    assert [row[2].strip() for row in rows] == PAGES
    for row in rows:
        stored, calls, queries, p50 = (float(row[i].replace(",", "")) for i in (1, 3, 4, 5))
        assert stored == 400 and calls == 2 and queries >= 1 and p50 > 0
    assert not list(tmp_path.glob("*.sqlite3"))  # the database is removed afterwards
