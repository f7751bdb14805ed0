"""Drop the single-column indexes of five of a request's keys, each the first column of a composite index that
serves every look-up by the key alone (sr_juris_open, sr_type_time, sr_district_time, sr_dept_open,
sr_assignee_open): one index fewer each for every submission and bulk load to keep up.

Only the indexes go: `AlterField(db_index=False)` would make SQLite copy the whole requests table to a new one.
The names are Django's own for these indexes (the same on SQLite and PostgreSQL); IF EXISTS, as a database
migrated by hand may not have them.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0007_default_statuses_arabic'),
        ('jurisdictions', '0006_payops_roles'),
        ('servicerequests', '0013_triage_index'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "servicerequests_servicerequest_assignee_id_0dfebea9"',
                    reverse_sql='CREATE INDEX "servicerequests_servicerequest_assignee_id_0dfebea9" ON "servicerequests_servicerequest" ("assignee_id")',
                ),
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "servicerequests_servicerequest_department_id_2aaba171"',
                    reverse_sql='CREATE INDEX "servicerequests_servicerequest_department_id_2aaba171" ON "servicerequests_servicerequest" ("department_id")',
                ),
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "servicerequests_servicerequest_district_id_62442572"',
                    reverse_sql='CREATE INDEX "servicerequests_servicerequest_district_id_62442572" ON "servicerequests_servicerequest" ("district_id")',
                ),
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "servicerequests_servicerequest_jurisdiction_id_c11d2bbd"',
                    reverse_sql='CREATE INDEX "servicerequests_servicerequest_jurisdiction_id_c11d2bbd" ON "servicerequests_servicerequest" ("jurisdiction_id")',
                ),
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "servicerequests_servicerequest_service_type_id_0fd866c6"',
                    reverse_sql='CREATE INDEX "servicerequests_servicerequest_service_type_id_0fd866c6" ON "servicerequests_servicerequest" ("service_type_id")',
                ),
            ],
            state_operations=[
            migrations.AlterField(
                model_name='servicerequest',
                name='assignee',
                field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='assigned_requests', to=settings.AUTH_USER_MODEL, verbose_name='assignee'),
            ),
            migrations.AlterField(
                model_name='servicerequest',
                name='department',
                field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='requests', to='jurisdictions.department', verbose_name='department'),
            ),
            migrations.AlterField(
                model_name='servicerequest',
                name='district',
                field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='requests', to='jurisdictions.district', verbose_name='district'),
            ),
            migrations.AlterField(
                model_name='servicerequest',
                name='jurisdiction',
                field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='requests', to='jurisdictions.jurisdiction', verbose_name='jurisdiction'),
            ),
            migrations.AlterField(
                model_name='servicerequest',
                name='service_type',
                field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='requests', to='catalog.servicetype', verbose_name='service type'),
            ),
            ],
        ),
    ]
