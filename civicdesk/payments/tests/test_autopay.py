"""Autopay services: due selection, notices, exactly-once debits under a crash, retries, hard stop, cancel."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from civicdesk.audit.models import AuditEntry
from civicdesk.notifications.models import Delivery
from civicdesk.payments import autopay
from civicdesk.payments.models import (
    AccountLink,
    AutopayDebit,
    AutopayMandate,
    BillKindPolicy,
    JournalEntry,
    Payment,
    SandboxCharge,
)

from .helpers import assert_every_entry_balances, make_bill

pytestmark = pytest.mark.django_db
DUE = dt.date(2026, 11, 20)


def at(day: dt.date, hour: int = 12) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@pytest.fixture
def mandate(world, account):
    AccountLink.objects.create(user=world.alice, account=account)
    return AutopayMandate.objects.create(
        account=account, user=world.alice, provider="sandbox", mandate_ref="sbx_pm_test",
        method_label="Sandbox bank account ending 6789", mandate_text="I authorise Elm…",
        consented_at=at(dt.date(2026, 10, 1)))


def due_bill(account, cents=5000, due=DUE):
    return make_bill(account, cents, issued_on=due - dt.timedelta(days=14), due_in_days=14)


def run(day: dt.date, hour: int = 12):
    return autopay.run_autopay(at(day, hour))


def test_it_tells_the_resident_three_days_before_and_not_a_day_earlier(mandate, account):
    bill = due_bill(account)
    run(DUE - dt.timedelta(days=4))
    assert not AutopayDebit.objects.exists() and not Delivery.objects.filter(event="autopay.notice").exists()
    run(DUE - dt.timedelta(days=3))
    debit = AutopayDebit.objects.get()
    assert (debit.bill, debit.state, debit.due_on) == (bill, AutopayDebit.State.SCHEDULED, DUE)
    notice = Delivery.objects.get(event="autopay.notice")
    assert notice.address == "alice@example.org"
    run(DUE - dt.timedelta(days=2))
    assert Delivery.objects.filter(event="autopay.notice").count() == 1
    assert not SandboxCharge.objects.exists()


def test_it_follows_the_notice_days_of_the_jurisdiction_and_kind(mandate, account):
    BillKindPolicy.objects.create(jurisdiction=account.jurisdiction, kind=account.kind, autopay_notice_days=10)
    due_bill(account)
    run(DUE - dt.timedelta(days=11))
    assert not AutopayDebit.objects.exists()
    run(DUE - dt.timedelta(days=10))
    assert AutopayDebit.objects.count() == 1


def test_it_debits_on_the_due_date_once_with_ledger_and_receipt(mandate, account):
    bill = due_bill(account, 5000)
    run(DUE - dt.timedelta(days=1))
    assert not SandboxCharge.objects.exists()
    summary = run(DUE)
    assert summary.succeeded == 1
    debit = AutopayDebit.objects.get()
    assert debit.state == AutopayDebit.State.SUCCEEDED
    payment = debit.payment
    assert (payment.status, payment.channel, payment.amount_cents, payment.mandate) == (
        Payment.Status.SUCCEEDED, Payment.Channel.AUTOPAY, 5000, mandate)
    assert bill.balance_cents() == 0
    assert SandboxCharge.objects.get().idempotency_key == debit.attempt_key
    assert JournalEntry.objects.filter(payment=payment, kind="payment").count() == 1
    assert Delivery.objects.filter(event="payment.receipt", address="alice@example.org").count() == 1
    run(DUE)
    run(DUE + dt.timedelta(days=1))
    assert SandboxCharge.objects.count() == 1 and Payment.objects.count() == 1
    assert_every_entry_balances()


def test_it_leaves_paid_old_and_pre_mandate_bills_alone(mandate, account):
    paid = due_bill(account, 3000)
    from .helpers import make_payment
    make_payment(account, 3000, bill=paid)
    due_bill(account, 4000, due=DUE - dt.timedelta(days=autopay.CATCH_UP_DAYS + 1))
    due_bill(account, 4100, due=dt.date(2026, 9, 30))  # due before the mandate was given
    run(DUE)
    assert not AutopayDebit.objects.exists() and not SandboxCharge.objects.exists()


def test_it_skips_a_scheduled_debit_when_the_resident_paid_first(mandate, account):
    bill = due_bill(account, 3000)
    run(DUE - dt.timedelta(days=3))
    from .helpers import make_payment
    make_payment(account, 3000, bill=bill)
    run(DUE)
    assert AutopayDebit.objects.get().state == AutopayDebit.State.SKIPPED
    assert not SandboxCharge.objects.exists()


def test_it_recovers_a_crash_between_the_provider_and_the_ledger_exactly_once(mandate, account, monkeypatch):
    bill = due_bill(account, 5000)
    run(DUE - dt.timedelta(days=3))

    def crash(*args, **kwargs):
        raise SystemExit("worker killed")

    monkeypatch.setattr(autopay, "_succeeded", crash)
    with pytest.raises(SystemExit):
        run(DUE)
    debit = AutopayDebit.objects.get()
    assert debit.state == AutopayDebit.State.IN_FLIGHT and SandboxCharge.objects.count() == 1
    assert bill.balance_cents() == 5000
    monkeypatch.undo()
    run(DUE, hour=13)
    debit.refresh_from_db()
    assert debit.state == AutopayDebit.State.SUCCEEDED and debit.attempts == 1
    assert SandboxCharge.objects.count() == 1
    assert JournalEntry.objects.filter(kind="payment", payment__mandate=mandate).count() == 1
    assert bill.balance_cents() == 0
    assert AuditEntry.objects.filter(action="autopay.debit_recovered").count() == 1


def test_it_asks_again_with_the_same_key_when_the_provider_could_not_be_reached(mandate, account, monkeypatch):
    from civicdesk.payments.providers import ProviderError
    from civicdesk.payments.providers.sandbox import SandboxProvider

    due_bill(account, 5000)
    run(DUE - dt.timedelta(days=3))
    real = SandboxProvider.charge_mandate

    def unreachable(self, charge):
        real(self, charge)  # the bank debited, but the answer is lost on the way back
        raise ProviderError("timeout", soft=True, code="APIConnectionError")

    monkeypatch.setattr(SandboxProvider, "charge_mandate", unreachable)
    run(DUE)
    debit = AutopayDebit.objects.get()
    assert debit.state == AutopayDebit.State.IN_FLIGHT
    monkeypatch.undo()
    autopay.run_autopay(at(DUE) + dt.timedelta(minutes=30))  # within the hour: not yet asked again
    assert AutopayDebit.objects.get().state == AutopayDebit.State.IN_FLIGHT
    run(DUE, hour=14)
    debit.refresh_from_db()
    assert debit.state == AutopayDebit.State.SUCCEEDED and debit.attempts == 1
    assert SandboxCharge.objects.count() == 1


def test_it_retries_soft_failures_after_one_and_three_days_then_gives_up(mandate, account):
    bill = due_bill(account, 5051)  # cents ending 51: the sandbox says insufficient funds
    run(DUE - dt.timedelta(days=3))
    run(DUE)
    debit = AutopayDebit.objects.get()
    assert (debit.state, debit.attempts, debit.failure_code) == (AutopayDebit.State.RETRY, 1, "insufficient_funds")
    assert timezone.localdate(debit.next_attempt_at) == DUE + dt.timedelta(days=1)
    run(DUE, hour=23)
    assert AutopayDebit.objects.get().attempts == 1
    run(DUE + dt.timedelta(days=1))
    debit.refresh_from_db()
    assert (debit.state, debit.attempts) == (AutopayDebit.State.RETRY, 2)
    assert timezone.localdate(debit.next_attempt_at) == DUE + dt.timedelta(days=4)
    run(DUE + dt.timedelta(days=4))
    debit.refresh_from_db()
    assert (debit.state, debit.attempts) == (AutopayDebit.State.FAILED, 3)
    assert SandboxCharge.objects.filter(status="failed").count() == 3
    assert Delivery.objects.filter(event="autopay.retry").count() == 2
    assert Delivery.objects.filter(event="autopay.failed").count() == 1
    assert bill.balance_cents() == 5051
    mandate.refresh_from_db()
    assert mandate.active  # the next bills are still debited
    assert not JournalEntry.objects.filter(kind="payment").exists()


def test_it_stops_the_mandate_on_a_hard_failure_and_says_so(mandate, account):
    due_bill(account, 5052)  # cents ending 52: mandate revoked
    later = due_bill(account, 2000, due=DUE + dt.timedelta(days=2))
    run(DUE - dt.timedelta(days=1))
    run(DUE)
    mandate.refresh_from_db()
    assert not mandate.active and mandate.cancelled_at
    assert AutopayDebit.objects.get(bill__amount_cents=5052).state == AutopayDebit.State.FAILED
    assert AutopayDebit.objects.get(bill=later).state == AutopayDebit.State.CANCELLED
    assert Delivery.objects.filter(event="autopay.stopped").count() == 1
    assert AuditEntry.objects.filter(action="autopay.stopped").exists()
    run(DUE + dt.timedelta(days=2))
    assert SandboxCharge.objects.count() == 1


def test_cancel_stops_scheduled_debits_but_finishes_one_in_flight(world, mandate, account, monkeypatch):
    in_flight = due_bill(account, 5000)
    scheduled = due_bill(account, 2000, due=DUE + dt.timedelta(days=1))
    run(DUE - dt.timedelta(days=2))
    monkeypatch.setattr(autopay, "_succeeded", lambda *a, **k: (_ for _ in ()).throw(SystemExit("killed")))
    with pytest.raises(SystemExit):
        run(DUE)
    monkeypatch.undo()
    autopay.cancel_mandate(mandate=mandate, user=world.alice, client="10.0.0.1")
    autopay.cancel_mandate(mandate=mandate, user=world.alice, client="10.0.0.1")
    assert AutopayDebit.objects.get(bill=scheduled).state == AutopayDebit.State.CANCELLED
    run(DUE + dt.timedelta(days=1))
    assert AutopayDebit.objects.get(bill=in_flight).state == AutopayDebit.State.SUCCEEDED
    assert SandboxCharge.objects.count() == 1 and in_flight.balance_cents() == 0
    assert scheduled.balance_cents() == 2000
    assert AuditEntry.objects.filter(action="autopay.cancelled").count() == 1
    assert Delivery.objects.filter(event="autopay.cancelled").count() == 1


def test_the_sandbox_returns_the_first_charge_for_a_repeated_key(settings):
    from civicdesk.payments.providers import MandateCharge, get_provider

    charge = MandateCharge(mandate_ref="sbx_pm_x", reference="P-AAAA", amount_cents=1200, currency="usd",
                           description="x", idempotency_key="autopay:1:1")
    first = get_provider("sandbox").charge_mandate(charge)
    second = get_provider("sandbox").charge_mandate(charge)
    assert first == second and SandboxCharge.objects.count() == 1
