"""Crash test, short form: kill -9 app server and task worker processes under load, then check that nothing
acknowledged was lost, nothing was stored twice or half-written, and every saved report got one
acknowledgement email. The long form is `bench/crash.py`."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection

from civicdesk.open311.services import issue_api_key
from civicdesk.testing.crashload import Killer, Load, audit, drain
from civicdesk.testing.live_stack import database_url_of, live_stack

LOAD_SECONDS = 12
KILLS = 5  # web, task worker, web, task worker, web


def test_it_loses_and_repeats_nothing_when_processes_are_killed_under_load(tworld, smtp_server, tmp_path):
    api_key = issue_api_key(name="Crash test", rate_limit_per_minute=0)[1]
    with live_stack(database_url=database_url_of(connection), var_dir=tmp_path / "var",
                    EMAIL_HOST="127.0.0.1", EMAIL_PORT=str(settings.EMAIL_PORT),
                    # A delivery a killed worker had claimed is retried after this lease, not the default 5 min.
                    NOTIFICATIONS_LEASE_SECONDS="2", NOTIFICATIONS_RETRY_BASE_SECONDS="1") as stack:
        stack.start_gunicorn(workers=2, threads=4)
        stack.start_worker()
        load = Load(stack.base, api_key, open311_clients=3, web_clients=1)
        killer = Killer(stack)
        load.start()
        try:
            killer.run(seconds=LOAD_SECONDS, kills=KILLS)
        finally:
            attempts = load.stop()
        # A supervisor's restart under the same id finishes whatever the last worker left; every email
        # sent was accepted by the SMTP server before its task finished.
        drain(stack)
        result = audit(attempts, [(message["To"], message["Message-ID"]) for message in smtp_server.messages])

    assert killer.web_kills == 3 and killer.worker_kills == 2, killer.log
    assert stack.worker_starts == 3  # the first start and one restart per kill
    assert result.acknowledged > 0, attempts[:5]
    assert {a.channel for a in attempts if a.acknowledged} == {"open311", "web"}
    assert result.found == result.acknowledged, result.problems()
    assert result.ok, result.problems()
    assert result.ack_emails == result.stored


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's own durability settings")
def test_it_opens_every_sqlite_connection_in_wal_mode_with_full_sync_and_a_busy_timeout(db):
    connection.ensure_connection()
    with connection.cursor() as cursor:
        assert cursor.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert cursor.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL: every commit is fsynced
        assert cursor.execute("PRAGMA busy_timeout").fetchone()[0] == settings.DATABASES["default"]["OPTIONS"][
            "timeout"] * 1000
        assert cursor.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert connection.transaction_mode == "IMMEDIATE"  # writers queue for the lock at BEGIN
