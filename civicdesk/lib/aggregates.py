"""Aggregates Django's ORM has for one database only, written for both (SQLite and PostgreSQL)."""

from __future__ import annotations

from django.db.models import Aggregate, TextField


class JoinedText(Aggregate):
    """A group's values as one text, joined by commas, in no set order (None for an empty group):
    `string_agg` on PostgreSQL, `group_concat` on SQLite. Meant for validators (docs/caching.md): a
    correlated subquery that says in one column of the page's one statement which rows a section shows, e.g.
    the ids of a tracking page's visible comments. Sort the parts before comparing two values."""

    function = "STRING_AGG"
    template = "%(function)s(CAST(%(expressions)s AS text), ',')"
    output_field = TextField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function="GROUP_CONCAT",
                              template="%(function)s(%(expressions)s, ',')", **extra_context)


def joined_parts(value: str | None) -> list[str]:
    """The parts of a `JoinedText` value, sorted (the databases join them in no set order)."""
    return sorted(value.split(",")) if value else []
