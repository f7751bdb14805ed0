"""ask_due_task: the scheduled job (feedback.ask_due) asks once, leaves a busy database to the next slot,
and fails loudly on a real error."""

from __future__ import annotations

import pytest
from django.db.utils import OperationalError

from civicdesk.core import schedule
from civicdesk.feedback import services
from civicdesk.feedback.tasks import ask_due_task

from .helpers import closed_request


def test_it_is_registered_with_the_scheduler():
    job = next(job for job in schedule.jobs() if job.name == "feedback.ask_due")
    assert job.task_path == "civicdesk.feedback.tasks.ask_due_task"


def test_it_leaves_a_busy_database_to_the_next_slot(world, monkeypatch):
    closed_request(world)

    def busy(now=None):
        raise OperationalError("database is locked")

    monkeypatch.setattr(services, "ask_due", busy)
    assert ask_due_task.call() == 0


def test_it_fails_at_once_on_a_real_error(world, monkeypatch):
    def broken(now=None):
        raise ValueError("a bug")

    monkeypatch.setattr(services, "ask_due", broken)
    with pytest.raises(ValueError):
        ask_due_task.call()
