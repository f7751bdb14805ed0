"""PostgreSQL only: a GiST index on each request's position as a geometric point, for the street-level map.

From zoom 15 on, the map counts the requests of the view on the fly (services.map_cells): a view a few hundred
metres wide. The (lat, long) B-tree can only narrow by latitude, so at ten million requests it reads the whole
band of the city at that latitude (hundreds of thousands of entries) to keep the few thousand inside the view;
the GiST index finds the box directly (services._in_view adds the matching `point(long, lat) <@ box(...)` test).
SQLite keeps the B-tree (sr_position), which is fast enough at the sizes an SQLite city has. The bulk loaders
(datasets.bulk, bench/workload.py) drop and rebuild it with the table's other indexes, from its definition.
"""

from django.db import migrations

INDEX = "map_sr_point"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {INDEX} ON servicerequests_servicerequest "
                              "USING gist (point(long, lat))")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):

    dependencies = [
        ("publicmap", "0001_initial"),
        ("servicerequests", "0010_map_list_indexes"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
