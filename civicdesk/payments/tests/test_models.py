"""Payments models: constraints that protect money, fee rules, derived statuses."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from civicdesk.payments.models import BillingAccount, BillKindPolicy, Payment, Refund, format_money

from .helpers import make_account, make_bill, make_payment


def test_it_formats_cents_as_money():
    assert format_money(123456) == "$1,234.56"
    assert format_money(-5) == "-$0.05"
    assert format_money(1000, "eur") == "10.00 EUR"


def test_it_keeps_account_numbers_unique_per_jurisdiction_and_kind(world):
    make_account(world.elm, number="A-1")
    make_account(world.elm, number="A-1", kind="parking")
    make_account(world.county, number="A-1")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_account(world.elm, number="A-1")


def test_it_normalises_account_numbers_for_look_ups(world):
    account = make_account(world.elm, number="w 100-200")
    assert account.number_key == "W100200" == BillingAccount.normalise_number(" W100 200 ")


def test_it_refuses_a_refund_approved_by_the_person_who_asked(account, world):
    payment = make_payment(account, 1000)
    with pytest.raises(IntegrityError), transaction.atomic():
        Refund.objects.create(payment=payment, amount_cents=100, reason="x", requested_by=world.bob,
                              approved_by=world.bob, idempotency_key="same-person")
    Refund.objects.create(payment=payment, amount_cents=100, reason="x", requested_by=world.bob,
                          approved_by=world.carol, idempotency_key="two-people")


def test_it_refuses_a_payment_of_zero_at_the_database(account):
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.create(account=account, amount_cents=0, idempotency_key="zero")


def test_it_keeps_provider_ids_unique_per_provider(account):
    make_payment(account, 100, provider_payment_id="pi_1", record=False)
    make_payment(account, 100, provider="stripe", provider_payment_id="pi_1", record=False)
    make_payment(account, 100, record=False)
    make_payment(account, 100, record=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_payment(account, 100, provider_payment_id="pi_1", record=False)


def test_it_computes_convenience_fees_in_cents_or_basis_points(world):
    policy = BillKindPolicy(jurisdiction=world.elm, kind="water_sewer",
                            convenience_fees={"card": {"basis_points": 250}, "us_bank_account": {"cents": 0},
                                              "card_terminal": {"cents": 195}})
    assert policy.convenience_fee_cents("card", 10000) == 250
    assert policy.convenience_fee_cents("card", 101) == 3  # 2.525 cents, half up
    assert policy.convenience_fee_cents("us_bank_account", 10000) == 0
    assert policy.convenience_fee_cents("card_terminal", 10000) == 195
    assert policy.convenience_fee_cents("cash", 10000) == 0


def test_it_uses_default_policy_when_none_is_configured(account):
    policy = BillKindPolicy.for_account(account)
    assert policy.pk is None and policy.late_fee_for(10000) == 0


def test_it_derives_bill_status_from_the_ledger(account):
    from datetime import date
    bill = make_bill(account, 1000, issued_on=date(2026, 1, 1), due_in_days=10)
    assert bill.status() == "open" and bill.is_overdue(today=date(2026, 1, 12))
    assert not bill.is_overdue(today=date(2026, 1, 11))
    make_payment(account, 1000, bill=bill)
    assert bill.status() == "paid" and not bill.is_overdue(today=date(2026, 2, 1))
    assert account.last_bill() == bill
