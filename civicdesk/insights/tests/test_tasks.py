"""The hourly detection task: registered with the scheduler, run by the real task worker, safe twice."""

from __future__ import annotations

import datetime as dt

import pytest

from civicdesk.core import schedule
from civicdesk.insights import tasks
from civicdesk.insights.models import DetectionRun, Hotspot

from .helpers import cluster

pytestmark = pytest.mark.django_db


def test_it_is_registered_to_run_every_hour():
    job = next(job for job in schedule.jobs() if job.name == "insights.detect_hotspots")
    assert job.task_path == "civicdesk.insights.tasks.detect_hotspots"
    assert job.every == dt.timedelta(hours=1)


def test_it_stores_hotspots_when_the_worker_runs_it_twice(world):
    cluster(world)
    first = tasks.detect_hotspots.call()
    second = tasks.detect_hotspots.call()
    assert first["new"] >= 1 and second["new"] == 0 and second["flagged"] == first["flagged"]
    assert DetectionRun.objects.count() == 2
    assert Hotspot.objects.filter(kind="cell").count() == 1


def test_it_tries_again_when_the_database_is_busy(world, monkeypatch):
    from django.db.utils import OperationalError

    from civicdesk.insights import services

    real = services.run_detection
    calls = []

    def flaky(**kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("database is locked")
        return real(**kwargs)

    monkeypatch.setattr(services, "run_detection", flaky)
    monkeypatch.setattr(tasks, "FIRST_WAIT", 0)
    monkeypatch.setattr(tasks, "forget_connections", lambda: None)  # the test's transaction stays open
    cluster(world)
    assert tasks.detect_hotspots.call()["new"] >= 1
    assert len(calls) == 2


def test_it_fails_at_once_on_a_real_error(world, monkeypatch):
    from civicdesk.insights import services

    def broken(**kwargs):
        raise ValueError("a bug")

    monkeypatch.setattr(services, "run_detection", broken)
    with pytest.raises(ValueError):
        tasks.detect_hotspots.call()
