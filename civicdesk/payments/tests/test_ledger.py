"""The ledger service: every event one balanced entry, idempotent by its key, balances derived from postings."""

from __future__ import annotations

import pytest

from civicdesk.payments import ledger
from civicdesk.payments.models import (
    BillKindPolicy,
    JournalEntry,
    Payment,
    Posting,
    Refund,
)

from .helpers import assert_every_entry_balances, make_bill, make_payment


def test_it_posts_a_bill_charge_to_receivable_and_revenue(account):
    bill = make_bill(account, 5000)
    entry = bill.journal_entries.get(kind="charge")
    assert sorted(entry.postings.values_list("account", "amount_cents")) == [
        ("receivable", 5000), ("revenue:water_sewer", -5000)]
    assert bill.balance_cents() == 5000 and bill.status() == "open"
    assert account.balance_cents() == 5000
    assert_every_entry_balances()


def test_it_sums_bill_lines_from_quantity_and_unit_amount(account):
    bill = ledger.create_bill(account=account, number="L1", issued_on=bill_date(), due_on=bill_date(),
                              lines=[("Water, 12.5 thousand gallons", "12.5", 421), ("Sewer base", 1, 1800)])
    assert [line.amount_cents for line in bill.lines.all()] == [5263, 1800]
    assert bill.amount_cents == 7063 == bill.balance_cents()


def test_it_refuses_a_bill_of_nothing(account):
    with pytest.raises(ledger.LedgerError):
        ledger.create_bill(account=account, number="Z", issued_on=bill_date(), due_on=bill_date(),
                           lines=[("Nothing", 1, 0)])
    assert not account.bills.exists() and not JournalEntry.objects.exists()


def test_it_returns_the_same_bill_when_an_import_repeats_it(account):
    first = make_bill(account, 5000, number="R1")
    again = make_bill(account, 5000, number="R1")
    assert first.pk == again.pk and JournalEntry.objects.filter(kind="charge").count() == 1


def test_it_allocates_a_partial_payment_to_the_bill(account):
    bill = make_bill(account, 5000)
    make_payment(account, 2000, bill=bill)
    assert bill.balance_cents() == 3000 and bill.status() == "open"
    assert account.balance_cents() == 3000 and account.credit_cents() == 0


def test_it_keeps_an_overpayment_as_credit_and_uses_it_on_the_next_bill(account):
    bill = make_bill(account, 5000)
    make_payment(account, 6500, bill=bill)
    assert bill.balance_cents() == 0 and bill.status() == "paid"
    assert account.credit_cents() == 1500 and account.balance_cents() == -1500
    later = make_bill(account, 4000)
    assert later.balance_cents() == 2500 and account.credit_cents() == 0
    assert account.balance_cents() == 2500
    assert_every_entry_balances()


def test_it_pays_the_oldest_bills_first_when_no_bill_is_chosen(account):
    old = make_bill(account, 1000, due_in_days=5)
    new = make_bill(account, 3000, due_in_days=30)
    make_payment(account, 2000)
    assert (old.balance_cents(), new.balance_cents()) == (0, 2000)


def test_it_records_a_payment_once_however_often_it_is_told(account):
    bill = make_bill(account, 5000)
    payment = make_payment(account, 5000, bill=bill, fee=150)
    again = ledger.record_payment(payment)
    assert again.created is False
    assert JournalEntry.objects.filter(payment=payment, kind="payment").count() == 1
    assert JournalEntry.objects.filter(payment=payment, kind="convenience_fee").count() == 1
    assert Posting.objects.filter(account="provider_clearing:sandbox").total() == 5150
    assert Posting.objects.filter(account="fees_revenue").total() == -150
    assert account.balance_cents() == 0


def test_it_puts_counter_payments_in_the_cash_drawer(account):
    bill = make_bill(account, 5000)
    make_payment(account, 5000, bill=bill, channel="counter", method="cash")
    assert Posting.objects.filter(account="cash_drawer").total() == 5000


def test_it_charges_a_late_fee_once_per_bill(account, world):
    BillKindPolicy.objects.create(jurisdiction=world.elm, kind="water_sewer", late_fee_cents=500,
                                  late_fee_basis_points=150)
    bill = make_bill(account, 10000)
    first = ledger.post_late_fee(bill)
    second = ledger.post_late_fee(bill)
    assert first.pk == second.pk and second.created is False
    assert bill.balance_cents() == 10000 + 500 + 150
    bill.refresh_from_db()
    assert bill.late_fee_applied_at is not None


def test_it_charges_no_late_fee_on_a_paid_bill(account, world):
    BillKindPolicy.objects.create(jurisdiction=world.elm, kind="water_sewer", late_fee_cents=500)
    bill = make_bill(account, 1000)
    make_payment(account, 1000, bill=bill)
    assert ledger.post_late_fee(bill) is None
    assert not JournalEntry.objects.filter(kind="late_fee").exists()


def test_it_grants_a_credit_off_a_bill_then_onto_the_account(account):
    bill = make_bill(account, 1000)
    ledger.post_credit(account=account, amount_cents=1500, bill=bill, key="goodwill:1")
    ledger.post_credit(account=account, amount_cents=1500, bill=bill, key="goodwill:1")
    assert bill.balance_cents() == 0 and account.credit_cents() == 500
    with pytest.raises(ledger.LedgerError):
        ledger.post_credit(account=account, amount_cents=0, key="goodwill:2")


def test_it_refunds_part_of_a_payment_and_reopens_the_bill(account, world):
    bill = make_bill(account, 5000)
    payment = make_payment(account, 5000, bill=bill)
    refund = Refund.objects.create(payment=payment, amount_cents=2000, reason="Double billed", requested_by=world.bob,
                                   idempotency_key="r1", status="succeeded")
    ledger.record_refund(refund)
    ledger.record_refund(refund)
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PARTIALLY_REFUNDED
    assert bill.balance_cents() == 2000
    assert Posting.objects.filter(account="provider_clearing:sandbox").total() == 3000
    too_much = Refund.objects.create(payment=payment, amount_cents=3001, reason="x", requested_by=world.bob,
                                     idempotency_key="r2")
    with pytest.raises(ledger.LedgerError):
        ledger.record_refund(too_much)
    assert JournalEntry.objects.filter(kind="refund").count() == 1


def test_it_refunds_an_overpayment_out_of_the_credit_first(account, world):
    bill = make_bill(account, 5000)
    payment = make_payment(account, 7000, bill=bill)
    refund = Refund.objects.create(payment=payment, amount_cents=2000, reason="Overpaid", requested_by=world.bob,
                                   idempotency_key="r3")
    ledger.record_refund(refund)
    assert account.credit_cents() == 0 and bill.balance_cents() == 0
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PARTIALLY_REFUNDED


def test_it_reverses_an_entry_exactly_once(account):
    bill = make_bill(account, 5000)
    charge = bill.journal_entries.get(kind="charge")
    reversal = ledger.reverse_entry(charge, memo="Billed in error")
    assert ledger.reverse_entry(charge).pk == reversal.pk
    assert bill.balance_cents() == 0 and reversal.reverses_id == charge.pk
    with pytest.raises(ledger.LedgerError):
        ledger.reverse_entry(reversal)


def test_it_voids_a_bill_by_writing_off_what_is_owed(account, world):
    bill = make_bill(account, 5000)
    make_payment(account, 1000, bill=bill)
    ledger.void_bill(bill, reason="Meter misread", user=world.bob)
    ledger.void_bill(bill, reason="Again", user=world.bob)
    bill.refresh_from_db()
    assert bill.status() == "void" and bill.balance_cents() == 0
    assert account.balance_cents() == 0
    assert bill.audit_entries().filter(action="bill.voided").count() == 1


def test_it_refuses_an_unbalanced_entry_and_writes_nothing(account):
    with pytest.raises(ledger.LedgerError):
        ledger.post_entry(kind="adjustment", account=account, key="bad",
                          lines=[("receivable", 100, None), ("revenue:other", -99, None)])
    assert not JournalEntry.objects.exists()


def test_it_annotates_open_bills_with_their_balance_in_one_query(account, django_assert_max_num_queries):
    for cents in (100, 200, 300):
        make_bill(account, cents)
    make_payment(account, 100)
    with django_assert_max_num_queries(1):
        owed = sorted(bill.balance_cents() for bill in account.bills.open())
    assert owed == [200, 300]


def bill_date():
    from datetime import date
    return date(2026, 11, 1)
