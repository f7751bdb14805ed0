"""Property test of the ledger: random sequences of bills, payments, fees, credits, refunds, reversals and voids.

After every sequence: every journal entry balances, and every account's balance equals its bills (charges and
late fees, less charges reversed and amounts written off by voids) minus its payments plus its refunds minus the
credits granted; each account's receivable is the sum of its bills' balances.
"""

from __future__ import annotations

import itertools

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from civicdesk.payments import ledger
from civicdesk.payments.models import BillKindPolicy, JournalEntry, Posting, Refund

from .helpers import assert_every_entry_balances, make_account, make_bill, make_payment

amounts = st.integers(min_value=1, max_value=50_000)
index = st.integers(min_value=0, max_value=7)
operations = st.lists(st.one_of(
    st.tuples(st.just("bill"), st.integers(0, 1), amounts),
    st.tuples(st.just("pay"), st.integers(0, 1), amounts, st.one_of(st.none(), index), st.integers(0, 300)),
    st.tuples(st.just("late_fee"), index),
    st.tuples(st.just("credit"), st.integers(0, 1), amounts, st.one_of(st.none(), index)),
    st.tuples(st.just("refund"), index, st.integers(1, 100)),
    st.tuples(st.just("reverse_charge"), index),
    st.tuples(st.just("void"), index),
    st.tuples(st.just("repeat_payment"), index),
), min_size=1, max_size=25)

_keys = itertools.count(1)


class _Rollback(Exception):
    pass


def _pick(items, i):
    return items[i % len(items)] if items else None


def _apply(op, accounts, bills, payments, staff):
    name = op[0]
    if name == "bill":
        bills.append(make_bill(accounts[op[1]], op[2]))
    elif name == "pay":
        bill = _pick(bills, op[3]) if op[3] is not None else None
        account = bill.account if bill else accounts[op[1]]
        if bill is not None and bill.voided_at:
            bill = None
        payments.append(make_payment(account, op[2], bill=bill, fee=op[4]))
    elif name == "late_fee" and bills:
        ledger.post_late_fee(_pick(bills, op[1]))
    elif name == "credit":
        bill = _pick(bills, op[3]) if op[3] is not None else None
        account = bill.account if bill else accounts[op[1]]
        ledger.post_credit(account=account, amount_cents=op[2], bill=bill if bill and not bill.voided_at else None,
                           key=f"credit:{next(_keys)}")
    elif name == "refund" and payments:
        payment = _pick(payments, op[1])
        left = payment.amount_cents - payment.refunded_cents()
        amount = max(1, left * op[2] // 100)
        if left > 0:
            refund = Refund.objects.create(payment=payment, amount_cents=amount, reason="test", requested_by=staff,
                                           idempotency_key=f"refund:{next(_keys)}", status="succeeded")
            ledger.record_refund(refund)
    elif name == "reverse_charge" and bills:
        bill = _pick(bills, op[1])
        if not bill.voided_at:
            ledger.reverse_entry(bill.journal_entries.get(kind="charge"))
    elif name == "void" and bills:
        bill = _pick(bills, op[1])
        ledger.void_bill(bill, reason="test")
        bill.refresh_from_db()
    elif name == "repeat_payment" and payments:
        assert ledger.record_payment(_pick(payments, op[1])).created is False


def _sum(entries, account_code):
    return Posting.objects.filter(entry__in=entries, account=account_code).total()


def _check(account):
    entries = JournalEntry.objects.filter(billing_account=account)
    bills_side = (sum(account.bills.values_list("amount_cents", flat=True))
                  + _sum(entries.filter(kind="late_fee"), "receivable")
                  + _sum(entries.filter(kind="reversal", reverses__kind="charge"), "receivable")
                  + _sum(entries.filter(kind="adjustment"), "receivable"))
    payments = sum(account.payments.values_list("amount_cents", flat=True))
    refunds = sum(Refund.objects.filter(payment__account=account).values_list("amount_cents", flat=True))
    credits = _sum(entries.filter(kind="credit"), "credits_issued")
    assert account.balance_cents() == bills_side - payments + refunds - credits
    on_bills = sum(bill.balance_cents() for bill in account.bills.all())
    unbilled = Posting.objects.filter(billing_account=account, account="receivable", bill__isnull=True).total()
    assert account.receivable_cents() == on_bills + unbilled


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=operations)
def test_it_keeps_every_entry_balanced_and_every_balance_explained(world, ops):
    try:
        with transaction.atomic():
            BillKindPolicy.objects.create(jurisdiction=world.elm, kind="water_sewer", late_fee_cents=250,
                                          late_fee_basis_points=100)
            accounts = [make_account(world.elm), make_account(world.elm)]
            bills, payments = [], []
            for op in ops:
                _apply(op, accounts, bills, payments, world.bob)
            assert_every_entry_balances()
            for account in accounts:
                _check(account)
            raise _Rollback
    except _Rollback:
        pass
