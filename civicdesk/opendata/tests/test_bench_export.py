"""bench/export.py: the export benchmark still runs end to end (at a tiny size; its numbers are not judged)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
# The database starts as a copy of one migrated per test run (civicdesk/testing/fixtures.py).
pytestmark = pytest.mark.usefixtures("bench_sqlite_template")


def test_it_prints_one_row_per_format_and_records_it(tmp_path):
    results = tmp_path / "RESULTS.md"
    run = subprocess.run(
        [sys.executable, str(REPO / "bench" / "export.py"), "--size", "300", "--db", "sqlite", "--out-dir",
         str(tmp_path), "--results", str(results), "--label", "test run"],
        cwd=REPO, capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    lines = [line for line in run.stdout.splitlines() if line.startswith("| sqlite |")]
    assert [line.split("|")[3].strip() for line in lines] == ["csv", "json", "geojson", "parquet"]
    for line in lines:
        cells = [cell.strip().replace(",", "") for cell in line.strip("|").split("|")]
        assert 0 < int(cells[3]) <= 300 and float(cells[5]) > 0  # public rows exported, a rate
        assert cells[7] == "–" and float(cells[8]) > 0  # no server CPU on SQLite; rows per CPU second
        assert float(cells[11]) >= 0  # the export's own memory, sampled while it ran
    total = next(line for line in run.stdout.splitlines() if line.startswith("| sqlite, total |"))
    cells = [cell.strip().replace(",", "") for cell in total.strip("|").split("|")]
    assert cells[1] == "csvjsongeojsonparquet" and int(cells[2]) == sum(
        int(line.split("|")[4].strip().replace(",", "")) for line in lines)  # rows of the four files
    assert "test run" in results.read_text(encoding="utf-8")
    assert (tmp_path / "media" / "opendata" / "requests").is_dir()


def test_it_measures_the_nyc_shaped_dataset_too(tmp_path):
    run = subprocess.run(
        [sys.executable, str(REPO / "bench" / "export.py"), "--size", "200", "--db", "sqlite", "--out-dir",
         str(tmp_path), "--no-record", "--dataset", "requests-nyc", "--formats", "csv,parquet", "--repeat", "2"],
        cwd=REPO, capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "--dataset requests-nyc --repeat 2" in run.stdout and "(best of 2)" in run.stdout
    assert [line.split("|")[3].strip() for line in run.stdout.splitlines() if line.startswith("| sqlite |")] == [
        "csv", "parquet"]
    assert (tmp_path / "media" / "opendata" / "requests-nyc").is_dir()
