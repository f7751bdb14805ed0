"""Reading open data for pages and the API: parameter checks, keyset pages, filters and chart sums."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import decimal
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from . import csvdata
from .builtin import public_requests, request_rows
from .models import DatasetColumn, DatasetRow, PublishedDataset

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
PREVIEW_LIMIT = 25
#: Chart a numeric column by a text column only when the text column has 2..this many distinct values.
MAX_CATEGORIES = 20
OPERATORS = ("equals", "contains")
#: Largest id or row number a cursor may carry (a 64-bit signed integer, what both databases store).
MAX_ID = 2**63 - 1


class ParameterError(ValueError):
    """A query parameter the API cannot use; the message says which one and what it should be."""

    def __init__(self, parameter: str, message: str):
        super().__init__(message)
        self.parameter = parameter


def parse_limit(raw: str | None, *, default: int = DEFAULT_LIMIT) -> int:
    if raw in (None, ""):
        return default
    try:
        limit = int(raw)
    except ValueError:
        raise ParameterError("limit", _("limit must be a whole number from 1 to %(max)d.") % {"max": MAX_LIMIT}) \
            from None
    if not 1 <= limit <= MAX_LIMIT:
        raise ParameterError("limit", _("limit must be a whole number from 1 to %(max)d.") % {"max": MAX_LIMIT})
    return limit


def parse_since(raw: str | None) -> dt.datetime | None:
    """`updated_since` as an aware datetime (a time without offset is read as UTC); None when absent."""
    if raw in (None, ""):
        return None
    value = None
    try:
        value = parse_datetime(raw.strip().replace(" ", "+"))  # "+" in a query string arrives as a space
    except ValueError:
        value = None
    if value is None:
        try:
            value = dt.datetime.combine(dt.date.fromisoformat(raw.strip()), dt.time())
        except ValueError:
            raise ParameterError("updated_since", _(
                "updated_since must be an ISO 8601 date or date and time, for example 2026-03-01 or "
                "2026-03-01T08:00:00Z.")) from None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def encode_cursor(updated_at: dt.datetime, pk: int) -> str:
    text = f"{updated_at.astimezone(dt.UTC).isoformat()}|{pk}"
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(raw: str | None) -> tuple[dt.datetime, int] | None:
    if raw in (None, ""):
        return None
    try:
        text = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)).decode()
        moment, pk = text.split("|")
        when = dt.datetime.fromisoformat(moment)
        if when.tzinfo is None or not 0 <= int(pk) <= MAX_ID:
            raise ValueError(moment)
        return when, int(pk)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise ParameterError("after", _("after must be the cursor from a previous page's “next” link, unchanged.")) \
            from None


@dataclass
class Page:
    rows: list[tuple]
    next_cursor: str | None


def request_page(*, updated_since: dt.datetime | None, after: tuple[dt.datetime, int] | None,
                 limit: int) -> Page:
    """Public requests changed at or after `updated_since`, in (updated_at, id) order, after the cursor."""
    queryset = public_requests()
    if updated_since is not None:
        queryset = queryset.filter(updated_at__gte=updated_since)
    if after is not None:
        moment, pk = after
        queryset = queryset.filter(Q(updated_at__gt=moment) | Q(updated_at=moment, pk__gt=pk))
    rows, items = request_rows(queryset.order_by("updated_at", "pk")[:limit + 1])
    more = len(rows) > limit
    rows, items = rows[:limit], items[:limit]
    cursor = encode_cursor(items[-1].updated_at, items[-1].pk) if more else None
    return Page(rows, cursor)


# --- staff-published datasets --------------------------------------------------------------------------

@dataclass
class RowFilter:
    column: DatasetColumn
    operator: str
    value: str


#: Longest filter value accepted (a cell of a published dataset is rarely longer; a longer value is a mistake).
MAX_FILTER_LENGTH = 200


def _filter_value(parameter: str, value: str) -> str:
    """`value` checked as text to search for: no control characters (PostgreSQL cannot even compare a NUL
    byte) and not absurdly long; raises ParameterError with words a person understands."""
    if any(ord(character) < 32 for character in value):
        raise ParameterError(parameter, _("The text to filter on contains characters that cannot be searched for."))
    if len(value) > MAX_FILTER_LENGTH:
        raise ParameterError(parameter, _("The text to filter on is too long: at most %(limit)s characters.")
                             % {"limit": MAX_FILTER_LENGTH})
    return value


def parse_filter(columns: list[DatasetColumn], params) -> RowFilter | None:
    """The preview's filter from ?column=&op=&value= (no filter when `value` is empty)."""
    value = _filter_value("value", (params.get("value") or "").strip())
    if not value:
        return None
    by_key = {column.key: column for column in columns}
    column = by_key.get(params.get("column") or "")
    if column is None:
        raise ParameterError("column", _("Choose one of the dataset's columns to filter on."))
    operator = params.get("op") or "equals"
    if operator not in OPERATORS:
        raise ParameterError("op", _("op must be equals or contains."))
    return RowFilter(column, operator, value)


def api_filters(columns: list[DatasetColumn], params) -> list[RowFilter]:
    """The API's filters: ?<field>=<value> for equals, ?<field>__contains=<value> for contains."""
    by_key = {column.key: column for column in columns}
    found = []
    for name, value in params.items():
        if name in ("after", "limit", "format"):
            continue
        key, _sep, suffix = name.partition("__")
        if key not in by_key or suffix not in ("", "contains"):
            raise ParameterError(name, _("%(name)s is not a field of this dataset; filter with one of: "
                                         "%(fields)s (add __contains for a part of the text).")
                                 % {"name": name, "fields": ", ".join(by_key)})
        found.append(RowFilter(by_key[key], "contains" if suffix else "equals", _filter_value(name, value)))
    return found


def dataset_rows(dataset: PublishedDataset, filters: list[RowFilter]):
    rows = DatasetRow.objects.filter(dataset=dataset)
    for row_filter in filters:
        lookup = f"values__{row_filter.column.key}"
        if row_filter.operator == "contains":
            rows = rows.filter(**{f"{lookup}__icontains": row_filter.value})
        else:
            rows = rows.filter(**{f"{lookup}__iexact": row_filter.value})
    return rows.order_by("position")


def parse_after_position(raw: str | None) -> int:
    if raw in (None, ""):
        return 0
    try:
        value = int(raw)
        if not 0 <= value <= MAX_ID:
            raise ValueError(raw)
        return value
    except ValueError:
        raise ParameterError("after", _("after must be the row number from a previous page's “next” link.")) \
            from None


def dataset_page(dataset: PublishedDataset, filters: list[RowFilter], *, after: int, limit: int
                 ) -> tuple[list[DatasetRow], int | None]:
    """Rows after position `after`, at most `limit`; and the position to continue after (None at the end)."""
    rows = list(dataset_rows(dataset, filters).filter(position__gt=after)[:limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (rows[-1].position if more and rows else None)


def typed_row(columns: list[DatasetColumn], row: DatasetRow) -> dict:
    """A row as the API gives it: {field: value in the column's type}."""
    return {column.key: csvdata.convert(row.values.get(column.key, ""), column.type) for column in columns}


@dataclass
class Chart:
    value_column: DatasetColumn
    category_column: DatasetColumn
    totals: list[tuple[str, decimal.Decimal]]


def chart_for(dataset: PublishedDataset, columns: list[DatasetColumn]) -> Chart | None:
    """The sum of the first numeric column per value of the first text column with 2..MAX_CATEGORIES distinct
    values that repeat (not a name per row), largest first; None when the columns allow no such chart."""
    numeric = [c for c in columns if c.type in ("integer", "decimal")]
    text = [c for c in columns if c.type == "text"]
    if not numeric or not text:
        return None
    value_column = numeric[0]
    rows = list(DatasetRow.objects.filter(dataset=dataset).values_list("values", flat=True))
    for category_column in text:
        categories = {values.get(category_column.key, "") for values in rows}
        if 2 <= len(categories) <= MAX_CATEGORIES and len(categories) < len(rows):  # a label per row is no category
            totals: dict[str, decimal.Decimal] = defaultdict(decimal.Decimal)
            for values in rows:
                amount = csvdata.number(values.get(value_column.key, ""))
                if amount is not None:
                    totals[values.get(category_column.key, "") or _("(blank)")] += amount
            ordered = sorted(totals.items(), key=lambda item: (-item[1], item[0]))
            return Chart(value_column, category_column, ordered)
    return None
