"""The 5-minute search sync task: converges, is registered with the scheduler, survives a busy database."""

from __future__ import annotations

from django.conf import settings
from django.db import OperationalError

from civicdesk.core import schedule
from civicdesk.notices.tests.helpers import make_notice
from civicdesk.search import tasks
from civicdesk.search.models import SearchEntry


def test_it_is_scheduled_every_five_minutes():
    job = {job.name: job for job in schedule.jobs()}["search.sync"]
    assert job.task_path == "civicdesk.search.tasks.sync_search_index" and job.every.total_seconds() == 300


def test_it_writes_what_changed_and_then_nothing(world):
    make_notice(world, title_en="Leaf collection")
    assert tasks.sync_search_index.call() > 0
    assert tasks.sync_search_index.call() == 0
    assert SearchEntry.objects.filter(source="notices.servicenotice").count() == len(settings.LANGUAGES)


def test_it_leaves_a_locked_database_to_the_next_run(world, monkeypatch):
    def locked():
        raise OperationalError("database is locked")

    monkeypatch.setattr("civicdesk.search.services.sync_all", locked)
    assert tasks.sync_search_index.call() == 0
