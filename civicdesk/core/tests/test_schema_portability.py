"""The SQLite schema uses no function that only Django's connection has.

Django registers its own SQL functions (django_date_extract(), django_format_dtdelta(), ...) on its SQLite
connections. A constraint or index that calls one (a CheckConstraint on `month__day`, an index on a Trunc)
makes the table unreadable to every other SQLite client: the backup's integrity check, the sqlite3 shell, a
city's own reporting tools. The reports app once had such a constraint and `manage.py backup` failed.
"""

import re

import pytest
from django.db import connection

DJANGO_FUNCTION = re.compile(r"\bdjango_\w+\s*\(", re.IGNORECASE)


@pytest.mark.django_db
def test_it_calls_no_django_only_function_in_any_table_or_index():
    if connection.vendor != "sqlite":
        pytest.skip("Django registers extra SQL functions on SQLite connections only")
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL")
        offending = [name for name, sql in cursor.fetchall() if DJANGO_FUNCTION.search(sql)]
    assert offending == []
