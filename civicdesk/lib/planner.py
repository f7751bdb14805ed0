"""Steering SQLite's query planner where it has no statistics to choose an index by.

SQLite keeps no statistics (Django never runs ANALYZE), so its planner prefers whichever index tests the
most columns for equality, even when that index leads to a whole jurisdiction's history and another would
lead to a handful of rows. Comparing a column plus zero keeps the filter but hides the column from the
index chooser. PostgreSQL plans from its statistics, which such an expression would hide, so there the
filter stays plain.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import BigIntegerField, ExpressionWrapper, F, QuerySet


def among_unindexed(queryset: QuerySet, field: str, values: list, *, every_database: bool = False) -> QuerySet:
    """`queryset` filtered on `field` in `values`, without letting SQLite (with `every_database`, PostgreSQL too)
    use an index on `field`. PostgreSQL needs it where its estimates go wrong on correlated columns: a
    department's rows are all in one jurisdiction, so "jurisdiction = J and department = D" is estimated far
    more common than it is, and the jurisdiction's index looks as good as the department's."""
    if every_database or connection.vendor == "sqlite":
        alias = field.replace("__", "_") + "_value"
        queryset = queryset.alias(**{alias: unindexed(field)})
        field = alias
    return queryset.filter(**{f"{field}__in": values})


def unindexed(field: str) -> ExpressionWrapper:
    """`field + 0`: the same integer value, which no index of `field` serves (for an alias that a filter, or
    one branch of an OR, compares instead of the column itself)."""
    return ExpressionWrapper(F(field) + 0, output_field=BigIntegerField())
