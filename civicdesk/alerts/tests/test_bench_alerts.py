"""bench/alerts.py: the area alert benchmark still runs end to end (tiny size; its numbers are not judged)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
# The database starts as a copy of one migrated per test run (civicdesk/testing/fixtures.py).
pytestmark = pytest.mark.usefixtures("bench_sqlite_template")


def test_it_delivers_every_alert_once_and_records_a_table(tmp_path):
    results = tmp_path / "RESULTS.md"
    env = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "CITY_PACK", "TESTING")}
    env["CIVICDESK_VAR_DIR"] = str(tmp_path / "var")
    run = subprocess.run([sys.executable, str(REPO / "bench" / "alerts.py"), "--subscribers", "30",
                          "--results", str(results), "--timeout", "120"],
                         cwd=REPO, env=env, capture_output=True, text=True, timeout=240, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "received 30 of 30 messages, 0 duplicates" in run.stdout
    recorded = results.read_text()
    assert "| database | subscribers | workers | matched and queued s | all received s |" in recorded
    assert "| sqlite | 30 | 2 |" in recorded
    assert "`python bench/alerts.py --subscribers 30 --workers 2`" in recorded
