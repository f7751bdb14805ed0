"""The scheduled task: last month's reports, once, surviving a busy database."""

from __future__ import annotations

from unittest import mock

import pytest
import time_machine
from django.db import OperationalError
from django_tasks_db.models import DBTaskResult

from civicdesk.reports import tasks
from civicdesk.reports.models import MonthlyReport
from civicdesk.testing.fixtures import run_worker

from .helpers import local, make_request


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.mark.django_db(transaction=True)
def test_it_runs_in_the_worker_and_is_safe_to_run_twice(tworld):
    make_request(tworld, requested_at=local(2026, 10, 31, 23, 30))
    with time_machine.travel(local(2026, 11, 1, 3, 0), tick=False):
        tasks.generate_monthly_reports.enqueue()
        tasks.generate_monthly_reports.enqueue()
        run_worker()
    reports = MonthlyReport.objects.order_by("jurisdiction__slug")
    assert [(r.jurisdiction.slug, r.month_slug) for r in reports] == [("elm", "2026-10"), ("maple", "2026-10")]
    assert reports[0].data["received"] == 1
    assert DBTaskResult.objects.filter(status="SUCCESSFUL").count() == 2


def test_it_tries_again_later_when_the_database_is_busy(world):
    # forget_connections() is stubbed: closing the connection would end the test's own transaction.
    with mock.patch("civicdesk.reports.services.generate_due_reports",
                    side_effect=OperationalError("database is locked")), \
            mock.patch("civicdesk.reports.tasks.forget_connections") as forget:
        assert tasks.generate_monthly_reports.call() == []
    forget.assert_called_once()
    queued = DBTaskResult.objects.get()
    assert queued.task_path.endswith("generate_monthly_reports") and queued.args_kwargs["args"] == [2]
    assert queued.run_after is not None


def test_it_fails_loudly_on_a_bug(world):
    with mock.patch("civicdesk.reports.services.generate_due_reports", side_effect=KeyError("bug")):
        with pytest.raises(KeyError):
            tasks.generate_monthly_reports.call()


def test_it_is_scheduled_on_the_first_of_each_month():
    from civicdesk.core import schedule

    job = next(job for job in schedule.jobs() if job.name == "reports.monthly")
    assert job.task_path == "civicdesk.reports.tasks.generate_monthly_reports"
    assert job.monthly_on_day == 1 and job.daily_at.isoformat() == "03:00:00"
