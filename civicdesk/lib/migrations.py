"""Helpers for migrations."""

from __future__ import annotations

from django.db import migrations


def on_postgresql_only(sql: str, reverse_sql: str) -> migrations.RunPython:
    """A migration step that runs `sql` (and `reverse_sql` when migrating back) on PostgreSQL and does nothing
    on SQLite: for what exists on PostgreSQL alone, such as the `varchar_pattern_ops` indexes Django adds there
    (RunSQL would run on both)."""

    def forward(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    def backward(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(reverse_sql)

    return migrations.RunPython(forward, backward)
