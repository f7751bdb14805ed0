"""On PostgreSQL, drop the `varchar_pattern_ops` copy of the action's index, which Django adds to every indexed
text column for `LIKE 'prefix%'` searches. Nothing reads the audit log by a prefix of its action (the admin
filters by a whole action, which the plain index serves, and searches inside words, which neither index
serves), and every staff write and every report pays for it. IF EXISTS, as a database migrated by hand may not
have it; nothing to do on SQLite, which never had it."""

from django.db import migrations

PATTERN_INDEX = "audit_auditentry_action_dee621eb_like"


def drop_pattern_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f'DROP INDEX IF EXISTS "{PATTERN_INDEX}"')


def create_pattern_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f'CREATE INDEX IF NOT EXISTS "{PATTERN_INDEX}" ON "audit_auditentry" '
                              '("action" varchar_pattern_ops)')


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0001_initial'),
    ]

    operations = [
        migrations.RunPython(drop_pattern_index, create_pattern_index),
    ]
