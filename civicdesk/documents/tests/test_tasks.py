"""The extraction task: queued on commit, safe to run twice, a busy database left to the catch-up job."""

from __future__ import annotations

import pytest
from django.db import OperationalError
from django_tasks_db.models import DBTaskResult

from civicdesk.documents import samples, services
from civicdesk.documents.models import DocumentVersion
from civicdesk.documents.tasks import extract_pending_task, extract_text
from civicdesk.staff.tests.people import seat_people
from civicdesk.testing.auth import login_verified
from civicdesk.testing.fixtures import run_worker

from .helpers import make_document


def test_it_queues_extraction_when_the_upload_commits(world, django_capture_on_commit_callbacks):
    document = make_document(world, extract=False, capture=django_capture_on_commit_callbacks)
    version = document.current_version
    assert version.text_status == "pending"
    queued = DBTaskResult.objects.get(task_path="civicdesk.documents.tasks.extract_text")
    assert queued.args_kwargs["args"] == [version.pk]


def test_it_extracts_once_and_a_second_run_changes_nothing(world):
    document = make_document(world, extract=False)
    version = document.current_version
    assert extract_text.call(version.pk) == "done"
    version.refresh_from_db()
    first = (version.text, version.extracted_at, version.pages)
    assert "Loud music" in version.text and version.pages == 1
    assert extract_text.call(version.pk) == "done"
    version.refresh_from_db()
    assert (version.text, version.extracted_at, version.pages) == first
    assert extract_text.call(999_999) == "gone"


def test_it_publishes_a_document_whose_text_cannot_be_read_and_says_why(world, client):
    encrypted = make_document(world, data=samples.encrypted_pdf("Budget", ["Secret numbers"]))
    assert encrypted.is_public() and encrypted.current_version.text_status == "encrypted"
    login_verified(client, seat_people(world).admin)
    page = client.get(f"/documents/staff/{encrypted.pk}/").content.decode()
    assert "Encrypted" in client.get("/documents/staff/").content.decode()
    assert "Encrypted: the text cannot be read" in page and "Published all the same" in page


def test_it_leaves_a_busy_database_to_the_catch_up_job(world, monkeypatch):
    document = make_document(world, extract=False)
    real = services.extract_version

    def busy(pk):
        raise OperationalError("database is locked")

    monkeypatch.setattr(services, "extract_version", busy)
    assert extract_text.call(document.current_version.pk) == "postponed"
    assert extract_pending_task.call() == 0
    monkeypatch.setattr(services, "extract_version", real)
    assert extract_pending_task.call() == 1
    assert DocumentVersion.objects.get(pk=document.current_version.pk).text_status == "done"


def test_it_fails_at_once_on_a_real_error(world, monkeypatch):
    document = make_document(world, extract=False)
    monkeypatch.setattr(services, "extract_version", lambda pk: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        extract_text.call(document.current_version.pk)


def test_it_runs_in_the_real_worker(tworld):
    document = make_document(tworld, extract=False)
    run_worker()
    document.current_version.refresh_from_db()
    assert document.current_version.text_status == "done"
