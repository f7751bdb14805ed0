"""bench/forum_thread.py: the thread page benchmark still runs end to end (tiny size; its numbers are not judged)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
# The database starts as a copy of one migrated per test run (civicdesk/testing/fixtures.py).
pytestmark = pytest.mark.usefixtures("bench_sqlite_template")


def test_it_prints_and_appends_one_row_per_page(tmp_path):
    results = tmp_path / "RESULTS.md"
    run = subprocess.run(
        [sys.executable, str(REPO / "bench" / "forum_thread.py"), "--size", "120", "--calls", "3", "--db", "sqlite",
         "--out-dir", str(tmp_path), "--results", str(results)],
        cwd=REPO, capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode == 0, run.stderr
    rows = [line.strip("|").split("|") for line in results.read_text().splitlines() if line.startswith("| sqlite |")]
    assert [row[2].strip() for row in rows] == ["first page", "middle page", "last page"]
    for row in rows:
        replies, calls, queries, size, p50 = (float(row[i].replace(",", "")) for i in (1, 3, 4, 5, 6))
        assert replies == 120 and calls == 3 and 1 <= queries <= 6 and size > 1000 and p50 > 0
