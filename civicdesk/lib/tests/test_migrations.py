"""lib.migrations.on_postgresql_only: runs its SQL forward and back on PostgreSQL, nothing on SQLite."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.db import connection

from civicdesk.lib.migrations import on_postgresql_only

pytestmark = pytest.mark.django_db

NAME = "lib_migrations_test_pattern_index"


def _indexes_named(name: str) -> list[str]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "audit_auditentry")
    return [found for found in constraints if found == name]


def test_it_creates_and_drops_on_postgresql_and_leaves_sqlite_alone():
    # The SQL is PostgreSQL's own (an operator class SQLite does not know): on SQLite running it would fail.
    step = on_postgresql_only(f'CREATE INDEX "{NAME}" ON "audit_auditentry" ("action" varchar_pattern_ops)',
                              f'DROP INDEX "{NAME}"')
    editor = SimpleNamespace(connection=connection, execute=lambda sql: connection.cursor().execute(sql))
    step.code(None, editor)
    assert _indexes_named(NAME) == ([NAME] if connection.vendor == "postgresql" else [])
    step.reverse_code(None, editor)
    assert _indexes_named(NAME) == []
