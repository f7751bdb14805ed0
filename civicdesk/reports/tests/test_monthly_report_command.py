"""`manage.py monthly_report`."""

from __future__ import annotations

import pytest
import time_machine
from django.core.management import CommandError, call_command

from civicdesk.reports.models import MonthlyReport

from .helpers import local, make_request


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def test_it_makes_one_month_for_one_jurisdiction_and_replaces_it_when_run_again(world, capsys):
    make_request(world, requested_at=local(2026, 10, 2))
    call_command("monthly_report", "--jurisdiction", "elm", "--month", "2026-10")
    make_request(world, requested_at=local(2026, 10, 3))
    call_command("monthly_report", "--jurisdiction", "elm", "--month", "2026-10")
    assert capsys.readouterr().out.splitlines() == ["elm 2026-10: 1 received, 0 closed",
                                                    "elm 2026-10: 2 received, 0 closed"]
    assert MonthlyReport.objects.get().data["received"] == 2


def test_it_makes_the_recent_months_that_are_missing(world, capsys):
    with time_machine.travel(local(2026, 11, 15), tick=False):
        call_command("monthly_report", "--recent", "3", "--missing", "--no-announce")
        call_command("monthly_report", "--recent", "3", "--missing", "--no-announce")
    months = sorted(MonthlyReport.objects.values_list("jurisdiction__slug", "month"))
    assert [(slug, f"{m:%Y-%m}") for slug, m in months] == [
        ("elm", "2026-08"), ("elm", "2026-09"), ("elm", "2026-10"),
        ("maple", "2026-08"), ("maple", "2026-09"), ("maple", "2026-10")]
    assert capsys.readouterr().out.count("already there") == 6


def test_it_refuses_bad_arguments(world):
    with pytest.raises(CommandError):
        call_command("monthly_report", "--month", "October")
    with pytest.raises(CommandError):
        call_command("monthly_report", "--jurisdiction", "atlantis")
    with pytest.raises(CommandError):
        call_command("monthly_report", "--month", "2999-01")
