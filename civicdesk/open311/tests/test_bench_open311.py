"""bench/open311.py: the Open311 benchmark still runs end to end (at a tiny size; its numbers are not judged)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from civicdesk.testing.markdown_tables import markdown_table

REPO = Path(__file__).resolve().parents[3]
# The database starts as a copy of one migrated per test run (civicdesk/testing/fixtures.py).
pytestmark = pytest.mark.usefixtures("bench_sqlite_template")


def _table(text: str, first_cell: str) -> list[list[str]]:
    """The rows of the markdown table whose header starts with `first_cell`."""
    return markdown_table(text, first_cell)[1]


@pytest.fixture(scope="module")
def output(tmp_path_factory) -> str:
    out = tmp_path_factory.mktemp("bench")
    run = subprocess.run([sys.executable, str(REPO / "bench" / "open311.py"), "--size", "1200", "--posts", "12",
                          "--gets", "2", "--db", "sqlite", "--out-dir", str(out)],
                         cwd=REPO, capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    assert not list(out.glob("*.sqlite3*"))  # its database is removed afterwards
    return run.stdout


def test_it_reports_post_throughput_over_http(output):
    [row] = _table(output, "database | stored rows")
    assert row[0] == "sqlite" and int(row[1].replace(",", "")) >= 1200
    assert (row[2], row[3], row[4], row[9]) == ("2", "4", "12", "0")  # workers, clients, posts, none refused
    assert float(row[5].replace(",", "")) > 0


def test_it_reports_get_latency_of_each_query(output):
    rows = _table(output, "database | query")
    assert [row[1] for row in rows] == ["newest 1000 (json)", "newest 1000 (xml)", "newest 1000, extensions=true",
                                        "open potholes", "page 50 of 1000"]
    newest = int(rows[0][2])
    assert 0 < newest <= 1000 and rows[1][2] == rows[0][2] == rows[2][2]
    assert all(float(row[4].replace(",", "")) > 0 for row in rows)
