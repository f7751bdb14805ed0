"""The general-ledger export (gl_export.py and staff_views.ledger_page): CSV of postings for a date range."""

from __future__ import annotations

import csv
import io
from django.utils import timezone

import pytest
from django.urls import reverse

from civicdesk.payments import gl_export
from civicdesk.testing.auth import login_verified

from .helpers import make_account, make_bill, make_payment
from .ops_people import money_people


def download(client, **params):
    response = client.get(reverse("payments_staff:ledger"), params)
    assert response.status_code == 200 and response.streaming
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


@pytest.fixture
def people(world):
    return money_people(world)


def test_it_exports_every_posting_of_the_range_balanced_per_entry(client, world, people, account):
    bill = make_bill(account, 5000)
    make_payment(account, 2000, bill=bill, fee=100)
    make_bill(make_account(world.county), 9900)  # another jurisdiction's: not in Elm's export
    login_verified(client, people.finance)
    rows = download(client, start=timezone.localdate().isoformat(), end=timezone.localdate().isoformat())
    assert list(rows[0]) == gl_export.COLUMNS
    assert {row["entry_kind"] for row in rows} == {"charge", "payment", "convenience_fee"}
    by_entry: dict[str, int] = {}
    for row in rows:
        by_entry[row["journal_id"]] = by_entry.get(row["journal_id"], 0) + int(row["amount_cents"])
        assert (row["debit"] != "") != (row["credit"] != "")
    assert set(by_entry.values()) == {0} and len(by_entry) == 3
    charge = next(r for r in rows if r["entry_kind"] == "charge" and r["ledger_account"] == "receivable")
    assert charge["debit"] == "50.00" and charge["currency"] == "USD" and charge["bill_number"] == bill.number
    assert all(r["jurisdiction"] == world.elm.slug for r in rows)


def test_it_leaves_out_other_days_and_defuses_spreadsheet_formulas(client, world, people):
    account = make_account(world.elm, number="=HYPERLINK(1)")
    make_bill(account, 5000)
    login_verified(client, people.finance)
    assert download(client, start="2020-01-01", end="2020-01-31") == []
    rows = download(client, start=timezone.localdate().isoformat(), end=timezone.localdate().isoformat())
    assert rows and all(r["billing_account"] == "'=HYPERLINK(1)" for r in rows)


@pytest.mark.parametrize(("params", "message"), [
    ({"start": "2026-02-01", "end": "2026-01-01"}, "The end date is before the start date."),
    ({"start": "2024-01-01", "end": "2026-01-01"}, "Export at most a year at a time."),
    ({"start": "yesterday", "end": "2026-01-01"}, "Enter a valid date."),
])
def test_it_answers_a_bad_range_clearly(client, people, params, message):
    login_verified(client, people.finance)
    response = client.get(reverse("payments_staff:ledger"), params)
    assert response.status_code == 400 and message in response.content.decode()


def test_it_is_for_finance_supervisors_only(client, people):
    login_verified(client, people.cashier)
    assert client.get(reverse("payments_staff:ledger")).status_code == 403
    client.logout()
    login_verified(client, people.admin)
    assert client.get(reverse("payments_staff:ledger")).status_code == 403


def test_it_reads_postings_in_chunks_not_all_at_once(world, account):
    make_bill(account, 5000)
    rows = gl_export.rows(*_today_bounds(), None)
    assert next(rows) == gl_export.COLUMNS
    assert hasattr(rows, "__next__")  # a generator over a server-side iterator: constant memory
    assert len(list(rows)) == 2


def _today_bounds():
    import datetime as dt

    from django.utils import timezone

    start = dt.datetime.combine(timezone.localdate(), dt.time.min, tzinfo=timezone.get_current_timezone())
    return start, start + dt.timedelta(days=1)
