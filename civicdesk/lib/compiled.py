"""ORM queries compiled to SQL once per process and database, then run with other values: for the few small
statements a hot path runs on every request (the validators of public pages: docs/caching.md).

Building a QuerySet and compiling it costs Django about ten times what a small indexed statement costs the
database (0.3 ms of CPU against 0.03 ms, measured). A `CompiledQuery` keeps the rule where it belongs (the
model's QuerySet methods: `public()`, `active()`, ...) and pays the building once:

    TRACKING = CompiledQuery(lambda public_id: ServiceRequest.objects.public().filter(public_id=public_id)
                             .values_list("pk", "updated_at")[:1], public_id=str)
    rows = TRACKING.rows(public_id="RB-2026-000123")

The first call on a database builds the QuerySet once with a sentinel value for each named parameter (a text,
whole number, real number or moment no real data has) and compiles it to SQL without running it; every call
sends that statement with the sentinels swapped for the values given, adapted as Django adapts a field's value,
and returns the rows as the database driver gives them, in the order of `values_list()`'s fields (no model
converters: use `as_datetime` for a date and time). A `build` whose statement does not carry each parameter as
a bound value (the ORM folded it into the SQL text, or dropped it) is refused at that first call, so a query
that cannot be replayed is never replayed wrongly.

Values that differ between databases of one process (a content type's id after a test flushed the database)
must be parameters, never folded into `build`.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone
from django.utils.dateparse import parse_datetime

#: The values each kind of parameter is compiled with: none a real request, notice or comment holds.
_SENTINEL_TEXT = "\x1fcivicdesk-compiled-%d\x1f"
#: Positive and inside a 32-bit integer: Django answers a lookup outside the field's range without a statement.
_SENTINEL_INT = 2_094_311_057
_SENTINEL_MOMENT = dt.datetime(1903, 3, 3, 3, 3, 3, tzinfo=dt.UTC)
#: Far below any coordinate, distance or scale a query is given, and never written out in full by a statement.
_SENTINEL_FLOAT = -7.0389017e-271


class NotReplayable(RuntimeError):
    """The query's statement does not carry each parameter as one bound value."""


def _sentinel(kind: type, index: int) -> Any:
    if kind is str:
        return _SENTINEL_TEXT % index
    if kind is int:
        return _SENTINEL_INT - index
    if kind is dt.datetime:
        return _SENTINEL_MOMENT + dt.timedelta(microseconds=index + 1)
    if kind is float:
        return _SENTINEL_FLOAT * (index + 1)
    raise TypeError(f"CompiledQuery parameters are str, int, float or datetime, not {kind!r}")


def _adapt(connection, kind: type, value: Any) -> Any:
    if kind is dt.datetime:
        return connection.ops.adapt_datetimefield_value(value)
    return value


def as_datetime(value) -> dt.datetime | None:
    """A date and time as a raw row holds it (a datetime from PostgreSQL, text from SQLite, stored in UTC) as
    an aware datetime; None stays None."""
    if value is None or (isinstance(value, dt.datetime) and value.tzinfo is not None):
        return value
    if isinstance(value, str):
        value = parse_datetime(value)
    return timezone.make_aware(value, dt.UTC) if timezone.is_naive(value) else value


class CompiledQuery:
    """One ORM query, compiled once per database (see the module docstring). `build(**params)` returns a
    QuerySet (a total is a QuerySet annotated over one constant group, see notices.views); `params` name each
    parameter's type (str, int, float or datetime.datetime)."""

    def __init__(self, build: Callable[..., Any], **params: type):
        self.build = build
        self.params = params
        self._compiled: dict[tuple[str, str], tuple] = {}
        self._lock = threading.Lock()

    def _compile(self, connection) -> tuple[str, list[str | None], list, list[int] | None]:
        sentinels = {name: _sentinel(kind, index) for index, (name, kind) in enumerate(self.params.items())}
        adapted = {name: _adapt(connection, self.params[name], value) for name, value in sentinels.items()}
        queryset = self.build(**sentinels)
        query = getattr(queryset, "query", None)
        if query is None:
            raise NotReplayable("build must return a QuerySet (for a total, annotate it over one constant group)")
        try:
            compiler = query.get_compiler(connection=connection)
            sql, sent = compiler.as_sql()
        except EmptyResultSet as exc:  # e.g. a value outside the field's range: answered without a statement
            raise NotReplayable("the query compiles to no statement") from exc
        slots = [next((name for name, sentinel in adapted.items() if value == sentinel), None) for value in sent]
        folded = any(str(value) in sql for value in adapted.values())
        if folded or not set(sentinels) <= set(slots):
            sent_names = {name: slots.count(name) for name in sentinels}
            raise NotReplayable(f"each parameter must be sent as a bound value (times sent: {sent_names}; "
                                f"folded into the SQL: {folded})")
        # values_list() may select its columns in another order than it returns them (django-modeltranslation
        # selects a set of fields, in an order that differs between processes): put them back in the order asked
        # for, by the columns' aliases in the statement.
        fields = list(getattr(queryset, "original_fields", None) or getattr(queryset, "_fields", None) or ())
        names = [alias for _, _, alias in compiler.select[:compiler.col_count]]
        if fields and sorted(fields) != sorted(names):
            raise NotReplayable(f"the statement selects {names}, not the fields {fields}")
        order = [names.index(name) for name in fields] if fields and fields != names else None
        return sql, slots, list(sent), order

    def rows(self, *, using: str = DEFAULT_DB_ALIAS, **values: Any) -> list[tuple]:
        """Run the statement with these values; the rows as the driver returns them."""
        connection = connections[using]
        key = (using, connection.vendor)
        compiled = self._compiled.get(key)
        if compiled is None:
            with self._lock:
                compiled = self._compiled.get(key) or self._compile(connection)
                self._compiled[key] = compiled
        sql, slots, constants, order = compiled
        params = [constant if name is None else _adapt(connection, self.params[name], values[name])
                  for constant, name in zip(constants, slots, strict=True)]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            found = cursor.fetchall()
        if order is None:
            return found
        return [tuple(row[index] for index in order) for row in found]

    def first(self, *, using: str = DEFAULT_DB_ALIAS, **values: Any) -> tuple | None:
        """The first row, or None."""
        found = self.rows(using=using, **values)
        return found[0] if found else None
