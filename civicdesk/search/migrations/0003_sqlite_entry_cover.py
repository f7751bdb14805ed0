"""SQLite only: a covering index for the join from the full-text match to the entries' filters.

A search reads, for every page the FTS5 table matches, the entry's language, kind, jurisdiction and date (to
filter, count per kind and break ties). Read from the table, each of those look-ups lands on a wide row (the
page's text and terms, often on overflow pages): 150 ms for 30,000 matches at 200,000 entries. From this
index, which holds exactly those columns beside the id, the same join reads a few small pages: about 9 times
faster (bench/RESULTS.md). PostgreSQL filters inside its own query on the GIN-indexed table and does not need it.
"""

from django.db import migrations

INDEX = "search_entry_cover"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {INDEX} ON search_searchentry "
                              "(id, language, kind, jurisdiction_id, dated)")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):

    dependencies = [("search", "0002_misses_and_answer_follows")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
