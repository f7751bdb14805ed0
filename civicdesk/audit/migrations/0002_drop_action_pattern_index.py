"""On PostgreSQL, drop the `varchar_pattern_ops` copy of the action's index, which Django adds to every indexed
text column for `LIKE 'prefix%'` searches. Nothing reads the audit log by a prefix of its action (the admin
filters by a whole action, which the plain index serves, and searches inside words, which neither index
serves), and every staff write and every report pays for it. IF EXISTS, as a database migrated by hand may not
have it; nothing to do on SQLite, which never had it."""

from django.db import migrations

from civicdesk.lib.migrations import on_postgresql_only

PATTERN_INDEX = "audit_auditentry_action_dee621eb_like"


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0001_initial'),
    ]

    operations = [
        on_postgresql_only(f'DROP INDEX IF EXISTS "{PATTERN_INDEX}"',
                           f'CREATE INDEX IF NOT EXISTS "{PATTERN_INDEX}" ON "audit_auditentry" '
                           '("action" varchar_pattern_ops)'),
    ]
