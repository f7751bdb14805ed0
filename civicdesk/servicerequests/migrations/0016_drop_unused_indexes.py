"""Drop two indexes every report pays for on each write and no look-up reads:

- the timeline's single-column index on its request: `tl_request_time` (request, created_at) leads by the same
  key and serves every look-up by the request alone (the tracking page's timeline, a request's deletion);
- on PostgreSQL, the `varchar_pattern_ops` copy of the tracking number's unique index, which Django adds to
  every unique text column for `LIKE 'prefix%'` searches. Nothing searches tracking numbers by prefix: a
  tracking number is looked up whole (the unique index serves that) and staff search matches inside words.

As in 0014, only the indexes go (`AlterField(db_index=False)` would make SQLite copy the timeline to a new
table); the names are Django's own, IF EXISTS, as a database migrated by hand may not have them.
"""

import django.db.models.deletion
from django.db import migrations, models

from civicdesk.lib.migrations import on_postgresql_only

PATTERN_INDEX = "servicerequests_servicerequest_public_id_db914379_like"


class Migration(migrations.Migration):

    dependencies = [
        ('servicerequests', '0015_open_type_band_index'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "servicerequests_timelineentry_request_id_7752e65c"',
                    reverse_sql='CREATE INDEX "servicerequests_timelineentry_request_id_7752e65c" '
                                'ON "servicerequests_timelineentry" ("request_id")',
                ),
            ],
            state_operations=[
                migrations.AlterField(
                    model_name='timelineentry',
                    name='request',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE,
                                            related_name='timeline', to='servicerequests.servicerequest'),
                ),
            ],
        ),
        on_postgresql_only(f'DROP INDEX IF EXISTS "{PATTERN_INDEX}"',
                           f'CREATE INDEX IF NOT EXISTS "{PATTERN_INDEX}" ON "servicerequests_servicerequest" '
                           '("public_id" varchar_pattern_ops)'),
    ]
