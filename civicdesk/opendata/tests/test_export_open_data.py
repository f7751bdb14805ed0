"""`manage.py export_open_data`, the nightly task, and its place in the scheduler."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db.utils import OperationalError

from civicdesk.core import schedule
from civicdesk.opendata import exports, tasks
from civicdesk.opendata.builtin import BUILTIN
from civicdesk.opendata.models import ExportFile

from .helpers import make_request


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_it_exports_every_file_and_prints_the_rate(world):
    make_request(world)
    out = io.StringIO()
    call_command("export_open_data", stdout=out)
    # requests and requests-nyc in 4 formats, the two others in 3, and those higher apps register in theirs
    assert ExportFile.objects.count() == sum(len(dataset.formats) for dataset in BUILTIN.values()) >= 14
    assert "requests.parquet: 1 rows" in out.getvalue() and "rows/s" in out.getvalue()
    assert "requests-nyc.csv: 1 rows" in out.getvalue()


def test_it_exports_only_what_is_asked(world):
    call_command("export_open_data", "--dataset", "requests", "--format", "csv", stdout=io.StringIO())
    assert list(ExportFile.objects.values_list("dataset", "format")) == [("requests", "csv")]


def test_it_is_registered_to_run_every_night():
    job = next(job for job in schedule.jobs() if job.name == "opendata.export")
    assert job.task_path == "civicdesk.opendata.tasks.export_open_data" and str(job.daily_at) == "02:30:00"


def test_it_waits_out_a_locked_database(world, monkeypatch):
    make_request(world)
    real, failures = exports.export, []

    def flaky(dataset, fmt):
        if not failures:
            failures.append(fmt)
            raise OperationalError("database is locked")
        return real(dataset, fmt)

    monkeypatch.setattr(exports, "export", flaky)
    monkeypatch.setattr(tasks.time, "sleep", lambda seconds: None)
    monkeypatch.setattr("civicdesk.core.periodic.forget_connections", lambda: None)  # keep the test's transaction
    files = sum(len(dataset.formats) for dataset in BUILTIN.values())
    assert tasks.export_open_data.call() == files
    assert failures == ["csv"] and ExportFile.objects.count() == files
