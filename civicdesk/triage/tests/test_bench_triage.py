"""bench/triage.py: the category suggestion benchmark still runs end to end, the imported history included (at a
tiny size; its numbers are not judged)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from civicdesk.testing.markdown_tables import markdown_table
from civicdesk.triage.history import IMPORTED_HISTORY_FILE

REPO = Path(__file__).resolve().parents[3]
# The database starts as a copy of one migrated per test run (civicdesk/testing/fixtures.py).
pytestmark = pytest.mark.usefixtures("bench_sqlite_template")


def _rows(text: str, first_cell: str) -> list[list[str]]:
    """The rows of the markdown table whose header starts with `first_cell`."""
    return markdown_table(text, first_cell)[1]


def test_it_scores_the_imported_history_per_language_beside_the_other_sets(tmp_path):
    results = tmp_path / "RESULTS.md"
    run = subprocess.run(
        [sys.executable, str(REPO / "bench" / "triage.py"), "--size", "300", "--rows-per-kind", "20", "--calls", "2",
         "--db", "sqlite", "--out-dir", str(tmp_path), "--results", str(results)],
        cwd=REPO, capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    text = results.read_text(encoding="utf-8")
    lines = IMPORTED_HISTORY_FILE.read_text(encoding="utf-8").splitlines()
    languages = Counter(json.loads(line)["language"] for line in lines if line.strip())
    assert f"Rows read: {len(lines)}; loaded: {len(lines)}; skipped as already imported: 0; rejected: 0." in text
    accuracy = _rows(text, "database | set")
    imported = {(row[2], row[3]): int(row[4]) for row in accuracy if row[1] == "imported"}
    assert imported == {(language, model): count for language, count in languages.items()
                        for model in ("language's", "every language")}
    assert {row[1] for row in accuracy} == {"generated", "hand-written", "imported"}
    for row in accuracy:
        assert 0 <= float(row[5]) <= float(row[6]) <= 1  # top-1 never above top-3
    assert [row[1] for row in _rows(text, "database | measurement")] == [
        "suggest_kinds(), English text", "suggest_kinds(), Spanish text"]
    assert not list(tmp_path.glob("*.sqlite3*"))
