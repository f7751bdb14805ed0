"""bench/bulk.py: the bulk-load benchmark still runs end to end (at a tiny size; its numbers are not judged)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from civicdesk.testing.markdown_tables import markdown_table

REPO = Path(__file__).resolve().parents[3]
# The database starts as a copy of one migrated per test run (civicdesk/testing/fixtures.py).
pytestmark = pytest.mark.usefixtures("bench_sqlite_template")
HEADER = ["database", "step", "rows", "seconds", "rows/s", "CPU s / 10k rows", "target rows/s", "ratio",
          "RSS MB first / last"]
STEPS = ["generate_requests --rebuild-indexes", "import_311 --format nyc", "import_311 --format chicago",
         "import_311 --format nyc --rebuild-indexes", "import_311 --format chicago --rebuild-indexes"]


def _number(cell: str) -> float:
    return float(cell.replace(",", ""))


def test_it_times_the_generator_and_both_importers_in_both_modes_and_records_them(tmp_path):
    results = tmp_path / "RESULTS.md"
    profiles = tmp_path / "profiles"
    run = subprocess.run(
        [sys.executable, str(REPO / "bench" / "bulk.py"), "--size", "600", "--import-rows", "150", "--batch", "100",
         "--db", "sqlite", "--out-dir", str(tmp_path), "--results", str(results), "--label", "bulk smoke test",
         "--profile", str(profiles)],
        cwd=REPO, capture_output=True, text=True, timeout=600, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    header, cells = markdown_table(run.stdout, "database")
    assert header == HEADER
    rows = [dict(zip(header, row, strict=True)) for row in cells]
    assert [row["step"] for row in rows] == STEPS
    assert {row["database"] for row in rows} == {"sqlite"}
    by_step = {row["step"]: row for row in rows}
    assert _number(by_step["generate_requests --rebuild-indexes"]["rows"]) == 600
    for step in STEPS[1:]:
        # Every generated CSV row is loaded in both modes: the exclusive pass uses another source name.
        assert _number(by_step[step]["rows"]) == 150, step
    for row in rows:
        assert _number(row["seconds"]) > 0 and _number(row["rows/s"]) > 0
        assert _number(row["CPU s / 10k rows"]) > 0
        first, last = (float(part) for part in row["RSS MB first / last"].split("/"))
        assert first > 0 and last > 0
    # SQLite has an importer target (25,000 rows/s) and no generator target; the ratio is rows/s over it.
    assert by_step["generate_requests --rebuild-indexes"]["target rows/s"] == "–"
    nyc = by_step["import_311 --format nyc"]
    assert nyc["target rows/s"] == "25,000"
    assert float(nyc["ratio"]) == pytest.approx(_number(nyc["rows/s"]) / 25_000, abs=0.01)
    assert "bulk smoke test" in results.read_text(encoding="utf-8")
    written = sorted(path.name for path in profiles.iterdir())
    assert written == sorted(f"sqlite-{step.replace(' ', '-')}.txt" for step in STEPS)
    assert "rows in" in (profiles / "sqlite-import_311---format-nyc.txt").read_text(encoding="utf-8")
