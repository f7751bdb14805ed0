"""The general-ledger export: every journal posting of a date range as CSV rows for the city's finance system.

Streamed: postings are read in chunks by a server-side iterator and written out as they come, so memory stays
the same for ten rows or ten million. One row per posting; the postings of one `journal_id` always sum to zero.
Columns (docs/payments-operations.md, "General-ledger export"):

    journal_id, posted_at, entry_kind, ledger_account, debit, credit, amount_cents, currency, jurisdiction,
    billing_account, bill_number, payment_reference, refund_id, memo
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import datetime, timezone as dt_timezone

from .models import Posting

COLUMNS = ["journal_id", "posted_at", "entry_kind", "ledger_account", "debit", "credit", "amount_cents", "currency",
           "jurisdiction", "billing_account", "bill_number", "payment_reference", "refund_id", "memo"]
CHUNK = 2000


def _decimal(cents: int) -> str:
    """Cents as an unsigned decimal with two places ("1234" → "12.34"), "" for zero."""
    if not cents:
        return ""
    whole, part = divmod(abs(int(cents)), 100)
    return f"{whole}.{part:02d}"


def _text(value: str) -> str:
    """Free text made safe for spreadsheets: a leading =, +, -, @ or tab would start a formula there."""
    value = value or ""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def postings(start: datetime, end: datetime, jurisdiction_ids: set[int] | None):
    """The postings of entries created in [start, end), in the user's jurisdictions (None: all), in ledger order,
    as plain value rows."""
    queryset = Posting.objects.filter(entry__created_at__gte=start, entry__created_at__lt=end)
    if jurisdiction_ids is not None:
        queryset = queryset.filter(billing_account__jurisdiction_id__in=jurisdiction_ids)
    return queryset.order_by("entry__created_at", "entry_id", "pk").values_list(
        "entry_id", "entry__created_at", "entry__kind", "account", "amount_cents", "currency",
        "billing_account__jurisdiction__slug", "billing_account__number", "bill__number", "entry__payment__reference",
        "entry__refund_id", "entry__memo")


def rows(start: datetime, end: datetime, jurisdiction_ids: set[int] | None) -> Iterator[list[str]]:
    """The CSV rows (header first) of `postings()`."""
    yield COLUMNS
    for (entry_id, created, kind, account, cents, currency, jurisdiction, number, bill, reference, refund,
         memo) in postings(start, end, jurisdiction_ids).iterator(chunk_size=CHUNK):
        yield [str(entry_id), created.astimezone(dt_timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"), kind, account,
               _decimal(cents) if cents > 0 else "", _decimal(cents) if cents < 0 else "", str(cents),
               currency.upper(), jurisdiction, _text(number), _text(bill or ""), reference or "",
               str(refund or ""), _text(memo)]


class _Echo:
    """A file-like object whose write() returns what it was given, so csv.writer formats a row into a string."""

    def write(self, value: str) -> str:
        return value


def csv_text(table, *, batch: int = 500) -> Iterator[str]:
    """Rows (lists of strings) as CSV text (CRLF line ends), `batch` rows per chunk: for streaming responses."""
    writer = csv.writer(_Echo(), lineterminator="\r\n")
    lines: list[str] = []
    for row in table:
        lines.append(writer.writerow(row))
        if len(lines) >= batch:
            yield "".join(lines)
            lines.clear()
    yield "".join(lines)


def stream(start: datetime, end: datetime, jurisdiction_ids: set[int] | None) -> Iterator[str]:
    """`rows()` as CSV text, a few hundred rows per chunk."""
    return csv_text(rows(start, end, jurisdiction_ids))
