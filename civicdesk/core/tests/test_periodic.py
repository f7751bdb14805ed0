"""civicdesk/core/periodic.py: which database errors a long-running job waits out, and how long it waits."""

from __future__ import annotations

import threading

import pytest
from django.db.utils import InterfaceError, OperationalError

from civicdesk.core.periodic import is_transient_database_error, retry_delay, run_periodically, unless_database_busy


class Cause(Exception):
    def __init__(self, sqlstate):
        self.sqlstate = sqlstate


def pg_error(message: str, sqlstate: str | None) -> OperationalError:
    error = OperationalError(message)
    error.__cause__ = Cause(sqlstate)
    return error


def test_it_waits_out_busy_and_unreachable_databases_but_not_bugs():
    assert is_transient_database_error(OperationalError("database is locked"))
    assert is_transient_database_error(pg_error("canceling statement due to lock timeout", "55P03"))
    assert is_transient_database_error(pg_error("terminating connection due to administrator command", "57P01"))
    assert is_transient_database_error(pg_error("connection failure", "08006"))
    assert is_transient_database_error(pg_error("server closed the connection unexpectedly", None))
    assert is_transient_database_error(InterfaceError("connection already closed"))
    assert not is_transient_database_error(OperationalError("no such table: staff_savedview"))
    assert not is_transient_database_error(pg_error('relation "staff_savedview" does not exist', "42P01"))
    assert not is_transient_database_error(ValueError("database is locked"))  # not from the database


def test_it_waits_longer_after_each_failure_in_a_row_up_to_a_limit():
    assert [retry_delay(n, first=300, longest=3600) for n in range(1, 7)] == [300, 600, 1200, 2400, 3600, 3600]


def test_it_lets_a_bug_end_the_loop():
    calls = []

    def job():
        calls.append(1)
        raise OperationalError("no such table: staff_savedview")

    with pytest.raises(OperationalError):
        run_periodically(job, name="test", wait=lambda: 0, stop=threading.Event(), retry_first=0, retry_longest=0)
    assert len(calls) == 1


def test_it_skips_a_scheduled_run_when_the_database_is_busy_but_lets_a_bug_through(caplog):
    def busy():
        raise OperationalError("database is locked")

    def bug():
        raise OperationalError("no such table: staff_savedview")

    assert unless_database_busy(lambda: 7, "counting") == 7
    assert unless_database_busy(busy, "counting") == 0
    assert unless_database_busy(busy, "listing", otherwise=[]) == []
    assert "counting skipped, database busy or unreachable: database is locked" in caplog.text
    with pytest.raises(OperationalError):
        unless_database_busy(bug, "counting")
