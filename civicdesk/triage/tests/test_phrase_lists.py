"""The shipped emergency phrases against real phrasings kept as data (civicdesk/triage/data/*.txt).

must_stop.txt: every line is refused with "call 911". must_not_stop.txt: every line is an ordinary report,
neither stopped nor flagged for triage. Cities add lines to both files as they learn.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from civicdesk.triage.services import detect_emergency, load_emergency_phrases

DATA = Path(__file__).resolve().parent.parent / "data"


def _lines(name: str) -> list[str]:
    text = (DATA / name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


MUST_STOP = _lines("must_stop.txt")
MUST_NOT_STOP = _lines("must_not_stop.txt")


@pytest.fixture
def phrases(db):
    load_emergency_phrases()


def test_it_keeps_enough_real_phrasings_in_both_lists():
    assert len(MUST_STOP) >= 80
    assert len(MUST_NOT_STOP) >= 60
    assert not set(MUST_STOP) & set(MUST_NOT_STOP)


@pytest.mark.parametrize("text", MUST_STOP)
def test_it_stops_every_emergency_phrasing(phrases, text):
    assert detect_emergency(text).stop, text


@pytest.mark.parametrize("text", MUST_NOT_STOP)
def test_it_lets_every_ordinary_report_through_unflagged(phrases, text):
    detection = detect_emergency(text)
    assert not detection.stop and not detection.flag, (text, detection)
