"""Helpers for payments tests (shared with the other payments slices): accounts, bills, payments in a few words."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from django.db.models import Sum

from civicdesk.payments import ledger
from civicdesk.payments.models import Bill, BillingAccount, JournalEntry, Payment

_NUMBERS = itertools.count(1)


def make_account(jurisdiction, *, kind: str = "water_sewer", number: str = "", postcode: str = "62701",
                 email: str = "holder@example.org", **extra) -> BillingAccount:
    """A billing account of `kind` in `jurisdiction` (a fresh number unless given)."""
    return BillingAccount.objects.create(
        jurisdiction=jurisdiction, kind=kind, number=number or f"W{next(_NUMBERS):07d}",
        holder_name=extra.pop("holder_name", "Pat Holder"), service_address=extra.pop("service_address", "1 Elm St"),
        service_postcode=postcode, contact_email=email, **extra)


def make_bill(account: BillingAccount, cents: int = 5000, *, number: str = "", due_in_days: int = 14,
              issued_on: date | None = None) -> Bill:
    """A bill of one line for `cents` on `account`, its charge posted."""
    issued_on = issued_on or date(2026, 11, 1)
    return ledger.create_bill(account=account, number=number or f"B{next(_NUMBERS):06d}", issued_on=issued_on,
                              due_on=issued_on + timedelta(days=due_in_days), lines=[("Service", 1, cents)])


def make_payment(account: BillingAccount, cents: int, *, bill: Bill | None = None, fee: int = 0,
                 channel: str = "web", provider: str = "sandbox", record: bool = True, **extra) -> Payment:
    """A succeeded payment of `cents` (plus `fee`) on `account`, posted to the ledger unless `record` is False."""
    payment = Payment.objects.create(
        account=account, bill=bill, channel=channel, provider=provider if channel != "counter" else "",
        method=extra.pop("method", "card"), amount_cents=cents, convenience_fee_cents=fee,
        currency=account.currency, status=Payment.Status.SUCCEEDED if record else Payment.Status.CREATED,
        idempotency_key=f"test:{next(_NUMBERS)}", **extra)
    if record:
        ledger.record_payment(payment)
    return payment


def assert_every_entry_balances() -> None:
    """Every journal entry's postings sum to zero, and every entry has postings."""
    for entry in JournalEntry.objects.annotate(total=Sum("postings__amount_cents")):
        assert entry.total == 0, (entry, entry.total)
