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
