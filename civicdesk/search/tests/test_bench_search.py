"""bench/search.py: the search benchmark still runs end to end (at a tiny size; its numbers are not judged)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
# The database starts as a copy of one migrated per test run (civicdesk/testing/fixtures.py).
pytestmark = pytest.mark.usefixtures("bench_sqlite_template")


def test_it_indexes_and_times_every_query(tmp_path):
    sys.path.insert(0, str(REPO / "bench"))
    try:
        import search as bench
    finally:
        sys.path.pop(0)
    results = tmp_path / "RESULTS.md"
    run = subprocess.run(
        [sys.executable, str(REPO / "bench" / "search.py"), "--size", "60", "--calls", "2", "--db", "sqlite",
         "--out-dir", str(tmp_path), "--results", str(results)],
        cwd=REPO, capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode == 0, run.stderr
    text = results.read_text()
    assert "indexed 120 entries (60 items × 2 languages)" in text
    rows = [line.strip("|").split("|") for line in text.splitlines() if line.startswith("| sqlite |")]
    assert len(rows) == len(bench.QUERIES)
    for row, (_name, _language, _kind, words) in zip(rows, bench.QUERIES):
        assert words in row[2] and int(row[3]) == 2 and int(row[4].replace(",", "")) > 0
    assert not list(tmp_path.glob("*.sqlite3"))
