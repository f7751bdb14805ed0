"""Retries: exponential backoff with jitter, dead letters after the last attempt or a refusal."""

from __future__ import annotations

import datetime as dt

import pytest

from civicdesk.connectors import services
from civicdesk.connectors.backends.base import SyncError
from civicdesk.connectors.models import SyncRecord, backoff_delay

from .conftest import new_graffiti

State = SyncRecord.State


def test_it_doubles_the_wait_up_to_the_cap():
    waits = [backoff_delay(n, base=30, cap=600, jitter=0).total_seconds() for n in range(1, 8)]
    assert waits == [30, 60, 120, 240, 480, 600, 600]


def test_it_spreads_the_wait_by_the_jitter():
    waits = {backoff_delay(3, base=30, cap=600, jitter=0.2).total_seconds() for _ in range(50)}
    assert all(96 <= wait <= 144 for wait in waits) and len(waits) > 10


@pytest.fixture
def failing(csv_connector, world, monkeypatch):
    calls = []

    def refuse(self, request, record):
        calls.append(record.attempts)
        raise SyncError("HTTP 503: busy")

    monkeypatch.setattr("civicdesk.connectors.backends.csvfolder.CsvFolderBackend.send_new", refuse)
    new_graffiti(world)
    return SyncRecord.objects.get(connector=csv_connector), calls


def test_it_retries_with_growing_waits_then_gives_up_as_a_dead_letter(failing, settings):
    record, calls = failing
    settings.CONNECTORS_MAX_ATTEMPTS = 3
    settings.CONNECTORS_RETRY_JITTER = 0
    waits = []
    for _ in range(3):
        SyncRecord.objects.filter(pk=record.pk).update(next_retry_at=None)
        state = services.deliver(record.pk)
        record.refresh_from_db()
        if record.next_retry_at:
            waits.append(round((record.next_retry_at - record.updated_at).total_seconds()))
    assert state == State.FAILED and record.is_dead_letter() and calls == [1, 2, 3]
    assert waits == [30, 60] and record.last_error == "HTTP 503: busy"
    outcomes = [e.data["outcome"] for e in record.audit_entries().filter(action="connector.sync_attempt")]
    assert sorted(outcomes) == ["failed", "retrying", "retrying"]


def test_it_waits_for_the_next_attempt_time(failing):
    record, calls = failing
    services.deliver(record.pk)
    assert services.deliver(record.pk) == "" and calls == [1]


def test_it_gives_up_at_once_on_a_permanent_refusal(csv_connector, world, monkeypatch):
    def refuse(self, request, record):
        raise SyncError("HTTP 400: service_code unknown", permanent=True)

    monkeypatch.setattr("civicdesk.connectors.backends.csvfolder.CsvFolderBackend.send_new", refuse)
    new_graffiti(world)
    record = SyncRecord.objects.get(connector=csv_connector)
    assert services.deliver(record.pk) == State.FAILED


def test_it_takes_over_an_attempt_whose_lease_ended(csv_connector, world):
    new_graffiti(world)
    record = SyncRecord.objects.get(connector=csv_connector)
    services._claim(record.pk, services.timezone.now())
    assert services.deliver(record.pk) == ""  # still leased to the first worker
    SyncRecord.objects.filter(pk=record.pk).update(
        sending_since=services.timezone.now() - services.lease() - dt.timedelta(seconds=1))
    assert services.deliver(record.pk) == State.SENT
