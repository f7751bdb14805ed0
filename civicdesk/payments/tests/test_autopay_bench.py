"""Smoke test of bench/autopay.py at a tiny size, in process: its loader, a run killed mid-debit, and its audit."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
from django.utils import timezone

from civicdesk.payments import autopay

pytestmark = pytest.mark.django_db
BENCH = Path(__file__).resolve().parents[3] / "bench"


def load_bench():
    sys.path.insert(0, str(BENCH))
    spec = importlib.util.spec_from_file_location("autopay_bench", BENCH / "autopay.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_it_loads_due_bills_and_audits_a_run_that_was_killed_mid_debit(world, monkeypatch):
    bench = load_bench()
    bench.load_due_bills(8, world.elm, due_on=timezone.localdate())
    real, calls = autopay._succeeded, []

    def killed_on_the_fourth(*args, **kwargs):
        calls.append(1)
        if len(calls) == 4:
            raise SystemExit("SIGKILL")
        return real(*args, **kwargs)

    monkeypatch.setattr(autopay, "_succeeded", killed_on_the_fourth)
    with pytest.raises(SystemExit):
        autopay.run_autopay()
    assert bench.open_debits() == 5 and not bench.finished(8)
    monkeypatch.undo()
    autopay.run_autopay()
    assert bench.finished(8)
    result = bench.audit(8)
    assert result == {"bills": 8, "charged_once": 8, "charged_twice": 0, "not_charged": 0, "ledger_once": 8,
                      "ledger_twice": 0, "unpaid": 0}
