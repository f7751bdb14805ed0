"""The database connection settings read from the environment (settings.py), and what they do on PostgreSQL:
values bound on the server, and a statement a connection runs again and again prepared once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from civicdesk.servicerequests.models import ServiceRequest

REPO = Path(__file__).resolve().parents[3]


def _database_options(tmp_path, **environment: str) -> dict:
    """DATABASES["default"]["OPTIONS"] as a fresh process builds them from `environment` (nothing connects)."""
    env = {key: value for key, value in os.environ.items()
           if key not in ("DB_SERVER_SIDE_BINDING", "DB_PREPARE_THRESHOLD", "DATABASE_URL")}
    env.update(CIVICDESK_VAR_DIR=str(tmp_path), **environment)
    script = "import json, civicdesk.settings as s; print(json.dumps(s.DATABASES['default'].get('OPTIONS', {})))"
    result = subprocess.run([sys.executable, "-c", script], cwd=REPO, env=env, capture_output=True, text=True,
                            check=True, timeout=60)
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_it_binds_on_the_server_and_prepares_after_five_runs_on_postgresql_by_default(tmp_path):
    options = _database_options(tmp_path, DATABASE_URL="postgres://civicdesk@127.0.0.1:5432/civicdesk")
    assert options["server_side_binding"] is True
    assert options["prepare_threshold"] == 5


def test_it_takes_the_threshold_from_the_environment(tmp_path):
    options = _database_options(tmp_path, DATABASE_URL="postgres://civicdesk@127.0.0.1:5432/civicdesk",
                                DB_PREPARE_THRESHOLD="2")
    assert options["prepare_threshold"] == 2


def test_it_binds_in_the_client_and_prepares_nothing_when_turned_off_for_a_pooler(tmp_path):
    options = _database_options(tmp_path, DATABASE_URL="postgres://civicdesk@127.0.0.1:5432/civicdesk",
                                DB_SERVER_SIDE_BINDING="false")
    assert "server_side_binding" not in options
    assert "prepare_threshold" not in options  # Django's default then: nothing prepared


def test_it_leaves_sqlite_alone(tmp_path):
    options = _database_options(tmp_path, DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    assert "server_side_binding" not in options
    assert options["transaction_mode"] == "IMMEDIATE"


def _prepared(*fragments: str) -> list[str]:
    """The statements this connection has prepared whose text holds every one of `fragments`."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [statement for (statement,) in cursor.fetchall() if all(part in statement for part in fragments)]


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="server-side binding and prepare_threshold are PostgreSQL's (psycopg) settings; Python's "
                           "sqlite3 already keeps each connection's statements prepared in its own cache")
@pytest.mark.django_db
def test_it_prepares_a_statement_the_connection_runs_again_whatever_its_values():
    def look_up(number: int):  # a column list of this test's own, so no other test's statement is the same text
        return (ServiceRequest.objects.filter(public_id=f"ZZ{number:02d}-QQQQ")
                .values_list("contact_phone", "device_id", "pk").first())

    wanted = ('"servicerequests_servicerequest"."contact_phone"', '"servicerequests_servicerequest"."device_id"',
              '"servicerequests_servicerequest"."public_id" = $1')
    for number in range(3):
        assert look_up(number) is None
    assert _prepared(*wanted) == []  # below the threshold: parsed and planned each time
    for number in range(3, 9):
        assert look_up(number) is None
    statements = _prepared(*wanted)
    assert len(statements) == 1, statements  # one prepared statement serves every tracking number
    assert "ZZ0" not in statements[0]  # the values travel apart from the text
