"""The SQLite backend's writer queue: one writer per process at a time, the turn passed on however the
transaction ends, the wait bounded and reported as SQLite's own busy error."""

from __future__ import annotations

import threading

import pytest
from django.db import OperationalError, connection, transaction

from civicdesk.core.overload import is_busy_database_error
from civicdesk.lib.queued_sqlite3.base import writer_gate
from civicdesk.throttle.models import RateCounter

pytestmark = [
    pytest.mark.skipif(connection.vendor != "sqlite", reason="the writer queue is SQLite's; PostgreSQL locks rows"),
    pytest.mark.django_db(transaction=True),
]


def _gate():
    return writer_gate(str(connection.settings_dict["NAME"]))


def _counter(key: str) -> RateCounter:
    from django.utils import timezone

    return RateCounter.objects.create(key=key, window_start=timezone.now(), window_seconds=60, count=1)


def test_it_holds_the_turn_for_the_transaction_and_gives_it_back_on_commit():
    assert not _gate().locked()
    with transaction.atomic():
        _counter("gate-commit-7d1")
        assert _gate().locked()
    assert not _gate().locked()
    assert RateCounter.objects.filter(key="gate-commit-7d1").exists()


def test_it_gives_the_turn_back_when_the_transaction_rolls_back():
    with pytest.raises(ZeroDivisionError):
        with transaction.atomic():
            _counter("gate-rollback-7d1")
            1 / 0
    assert not _gate().locked()
    assert not RateCounter.objects.filter(key="gate-rollback-7d1").exists()


def test_it_gives_the_turn_back_when_the_connection_closes_inside_a_transaction():
    atomic = transaction.atomic()
    atomic.__enter__()
    _counter("gate-close-7d1")
    connection.close()  # SQLite drops the open transaction with the connection
    assert not _gate().locked()
    atomic.__exit__(None, None, None)
    assert not RateCounter.objects.filter(key="gate-close-7d1").exists()


def test_it_lets_a_waiting_thread_write_once_the_holder_commits():
    order: list[str] = []
    holding, errors = threading.Event(), []

    def other_writer():
        try:
            holding.wait(5)
            with transaction.atomic():
                order.append("other began")
                _counter("gate-other-7d1")
        except Exception as exc:  # reported below: a thread's exception would otherwise be lost
            errors.append(exc)
        finally:
            from django.db import connection as own

            own.close()

    thread = threading.Thread(target=other_writer)
    thread.start()
    with transaction.atomic():
        _counter("gate-first-7d1")
        holding.set()
        thread.join(0.3)  # the other thread is queued for the turn, not writing
        assert thread.is_alive()
        order.append("first committing")
    thread.join(10)
    assert not errors
    assert order == ["first committing", "other began"]
    assert set(RateCounter.objects.filter(key__startswith="gate-").values_list("key", flat=True)) == {
        "gate-first-7d1", "gate-other-7d1"}


def _refused_write(key: str) -> OperationalError:
    """Try to write `key` in a transaction with a busy timeout of 0.2 s; the error it must end in."""
    connection.settings_dict["OPTIONS"]["timeout"], before = 0.2, connection.settings_dict["OPTIONS"]["timeout"]
    try:
        with pytest.raises(OperationalError) as refused:
            with transaction.atomic():
                _counter(key)
    finally:
        connection.settings_dict["OPTIONS"]["timeout"] = before
    return refused.value


def test_it_refuses_with_sqlites_busy_error_when_the_turn_does_not_come_in_time(settings):
    gate = _gate()
    gate.acquire()  # another thread of this process is writing and does not finish
    try:
        refused = _refused_write("gate-timeout-7d1")
    finally:
        gate.release()
    assert is_busy_database_error(refused)  # answered with a 503 and Retry-After, not a 500
    assert not gate.locked()
    assert not RateCounter.objects.filter(key="gate-timeout-7d1").exists()


def test_it_queues_a_write_run_outside_a_transaction_too():
    counter = _counter("gate-autocommit-7d1")
    gate = _gate()
    gate.acquire()  # a transaction of another thread holds the turn
    connection.settings_dict["OPTIONS"]["timeout"], before = 0.2, connection.settings_dict["OPTIONS"]["timeout"]
    connection.close()  # the next cursor is made with the short wait
    try:
        with pytest.raises(OperationalError) as refused:
            RateCounter.objects.filter(pk=counter.pk).update(count=5)
        assert RateCounter.objects.get(pk=counter.pk).count == 1  # reads do not wait
    finally:
        connection.settings_dict["OPTIONS"]["timeout"] = before
        gate.release()
        connection.close()
    assert is_busy_database_error(refused.value)
    RateCounter.objects.filter(pk=counter.pk).update(count=6)
    assert not gate.locked()
    assert RateCounter.objects.get(pk=counter.pk).count == 6


def _other_process_writing():
    """A connection of its own, as another process has: it takes SQLite's write lock and keeps it."""
    import sqlite3

    other = sqlite3.connect(str(connection.settings_dict["NAME"]), isolation_level=None, timeout=0,
                            check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    return other


def _busy_timeout_ms() -> int:
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        return cursor.fetchone()[0]


def test_it_begins_once_another_process_lets_go_of_the_write_lock():
    connection.ensure_connection()
    configured = _busy_timeout_ms()
    other = _other_process_writing()
    threading.Timer(0.15, other.rollback).start()
    with transaction.atomic():
        _counter("gate-other-process-7d1")
    other.close()
    assert RateCounter.objects.filter(key="gate-other-process-7d1").exists()
    assert not _gate().locked()
    assert _busy_timeout_ms() == configured  # every other statement waits as configured


def test_it_gives_up_with_sqlites_busy_error_when_another_process_keeps_the_lock():
    connection.ensure_connection()
    configured = _busy_timeout_ms()
    other = _other_process_writing()
    try:
        refused = _refused_write("gate-kept-7d1")
    finally:
        other.rollback()
        other.close()
    assert is_busy_database_error(refused)
    assert not _gate().locked()
    assert _busy_timeout_ms() == configured
    assert not RateCounter.objects.filter(key="gate-kept-7d1").exists()


BATCH = ("INSERT INTO throttle_ratecounter (key, window_start, window_seconds, count) "
         "VALUES (%s, '2026-01-01 00:00:00', 60, 1)")


def test_it_queues_a_batch_written_outside_a_transaction_too():
    gate = _gate()
    gate.acquire()
    connection.settings_dict["OPTIONS"]["timeout"], before = 0.2, connection.settings_dict["OPTIONS"]["timeout"]
    connection.close()
    try:
        with pytest.raises(OperationalError) as refused:
            with connection.cursor() as cursor:
                cursor.executemany(BATCH, [("gate-many-7d1",), ("gate-many-8d1",)])
    finally:
        connection.settings_dict["OPTIONS"]["timeout"] = before
        gate.release()
        connection.close()
    assert is_busy_database_error(refused.value)
    assert not RateCounter.objects.filter(key__startswith="gate-many-").exists()
    with connection.cursor() as cursor:
        cursor.executemany(BATCH, [("gate-many-7d1",), ("gate-many-8d1",)])
    assert not gate.locked()
    assert RateCounter.objects.filter(key__startswith="gate-many-").count() == 2
