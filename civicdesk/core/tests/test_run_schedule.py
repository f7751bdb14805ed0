"""manage.py run_schedule: --once enqueues what is due; --list names the jobs.

The long-running form is run_periodically (test_periodic.py) and runs as a child of serve (test_serve.py)."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from civicdesk.core import schedule
from civicdesk.core.models import ScheduledRun

TASK = "civicdesk.notifications.tasks.recover_deliveries"


@pytest.fixture
def one_job():
    saved = dict(schedule._jobs)
    schedule._jobs.clear()
    schedule.register("test.job", TASK, every=dt.timedelta(minutes=15))
    yield
    schedule._jobs.clear()
    schedule._jobs.update(saved)


@pytest.mark.django_db
def test_it_enqueues_what_is_due_once(one_job):
    out = io.StringIO()
    call_command("run_schedule", "--once", stdout=out)
    call_command("run_schedule", "--once", stdout=out)
    assert out.getvalue().count("enqueued test.job") == 1
    assert DBTaskResult.objects.filter(task_path=TASK).count() == 1 == ScheduledRun.objects.count()


def test_it_lists_the_registered_jobs(one_job):
    out = io.StringIO()
    call_command("run_schedule", "--list", stdout=out)
    assert out.getvalue().strip() == f"test.job: every 0:15:00 -> {TASK}"
