"""`manage.py sync_rollups` and the scheduled task: rebuild the first time, then apply changes."""

from __future__ import annotations

import io

from django.core.management import call_command
from django.db.utils import OperationalError

from civicdesk.core import schedule
from civicdesk.servicerequests import services
from civicdesk.testing.world import IN_WEST_ELM
from civicdesk.transparency import rollups, tasks

from .helpers import expected_counts, stored_counts


def run() -> str:
    out = io.StringIO()
    call_command("sync_rollups", stdout=out)
    return out.getvalue()


def test_it_rebuilds_the_first_time_then_applies_changes(world):
    services.submit_request(service_type=world.graffiti, lat=IN_WEST_ELM[0], long=IN_WEST_ELM[1])
    assert "rebuilt them" in run()
    services.submit_request(service_type=world.graffiti, lat=IN_WEST_ELM[0], long=IN_WEST_ELM[1])
    assert "1 changed the counts" in run()
    assert stored_counts() == expected_counts()


def test_it_is_registered_to_run_every_minute():
    job = next(job for job in schedule.jobs() if job.name == "transparency.sync_rollups")
    assert job.task_path == "civicdesk.transparency.tasks.sync_rollups_task" and job.every.total_seconds() == 60


def test_it_leaves_a_busy_database_to_the_next_slot(world, monkeypatch):
    def busy():
        raise OperationalError("database is locked")

    monkeypatch.setattr(rollups, "sync_rollups", busy)
    assert tasks.sync_rollups_task.call() == 0
