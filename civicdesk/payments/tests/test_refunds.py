"""Refunds (payments/refunds.py): asked by one person, decided by another, sent once, posted once, told once."""

from __future__ import annotations

from typing import ClassVar

import pytest
from django.db import IntegrityError, transaction

from civicdesk.accounts.models import User
from civicdesk.audit.models import AuditEntry
from civicdesk.jurisdictions.models import StaffMembership
from civicdesk.notifications.models import Delivery
from civicdesk.payments import counter, refunds
from civicdesk.payments.models import CASH_DRAWER, JournalEntry, Payment, Posting, Refund
from civicdesk.payments.providers import ProviderError, ProviderRefund, get_provider
from civicdesk.payments.providers.sandbox import SandboxProvider

from .helpers import assert_every_entry_balances, make_bill, make_payment


class FakeProvider(SandboxProvider):
    """The sandbox, except that refund() answers from `answers` (a ProviderError is raised) and records every
    call, so a test can script the provider's soft and hard refusals."""

    calls: ClassVar[list] = []
    answers: ClassVar[list] = []

    def is_configured(self):
        return True

    def refund(self, provider_payment_id, amount_cents, currency, idempotency_key):
        FakeProvider.calls.append((provider_payment_id, amount_cents, idempotency_key))
        answer = FakeProvider.answers.pop(0) if FakeProvider.answers else "succeeded"
        if isinstance(answer, ProviderError):
            raise answer
        return ProviderRefund(provider_refund_id=f"re_{idempotency_key[-6:]}", provider_payment_id=provider_payment_id,
                              status=answer, amount_cents=amount_cents, currency=currency)


@pytest.fixture
def fake(settings):
    settings.PAYMENT_PROVIDERS = {**settings.PAYMENT_PROVIDERS,
                                  "fake": "civicdesk.payments.tests.test_refunds.FakeProvider"}
    get_provider.cache_clear()
    FakeProvider.calls, FakeProvider.answers = [], []
    yield FakeProvider
    get_provider.cache_clear()


@pytest.fixture
def people(world):
    def seat(email, role):
        user = User.objects.create_user(email=email, password="correct horse battery", is_staff=True)
        StaffMembership.objects.create(user=user, jurisdiction=world.elm, role=role)
        return user

    return (seat("cash@elm.example.gov", StaffMembership.Role.CASHIER),
            seat("fin@elm.example.gov", StaffMembership.Role.FINANCE_SUPERVISOR),
            seat("fin2@elm.example.gov", StaffMembership.Role.FINANCE_SUPERVISOR))


def online_payment(account, cents=5000):
    bill = make_bill(account, cents)
    return make_payment(account, cents, bill=bill, provider="fake", provider_payment_id="pi_123")


def ask(payment, user, cents=2000, key="form-1", reason="Paid twice by mistake"):
    return refunds.request_refund(payment=payment, amount_cents=cents, reason=reason, user=user, submission_key=key)


def test_it_waits_for_approval_then_refunds_through_the_provider_once(account, people, fake):
    cashier, finance, _ = people
    payment = online_payment(account)
    refund = ask(payment, cashier)
    assert refund.status == Refund.Status.REQUESTED and not fake.calls
    assert not JournalEntry.objects.filter(kind=JournalEntry.Kind.REFUND).exists()
    refund = refunds.approve_refund(refund, user=finance)
    assert refund.status == Refund.Status.SUCCEEDED and refund.approved_by == finance
    assert fake.calls == [("pi_123", 2000, refund.idempotency_key)]
    assert refunds.send_refund(refund).status == Refund.Status.SUCCEEDED and len(fake.calls) == 1
    assert JournalEntry.objects.filter(kind=JournalEntry.Kind.REFUND).count() == 1
    assert Payment.objects.get(pk=payment.pk).status == Payment.Status.PARTIALLY_REFUNDED
    assert payment.bill.balance_cents() == 2000
    assert_every_entry_balances()
    assert Delivery.objects.filter(address="holder@example.org", subject__contains=payment.reference).count() == 1
    actions = set(AuditEntry.objects.filter(object_type="payments.refund").values_list("action", flat=True))
    assert actions == {"refund.requested", "refund.approved", "refund.succeeded"}


def test_it_refuses_an_approval_by_the_person_who_asked(account, people, fake):
    _cashier, finance, _ = people
    refund = ask(online_payment(account), finance)
    with pytest.raises(refunds.RefundError, match="someone other than the person who asked"):
        refunds.approve_refund(refund, user=finance)
    refund.refresh_from_db()
    assert refund.status == Refund.Status.REQUESTED and not fake.calls
    with pytest.raises(IntegrityError), transaction.atomic():  # the database says no as well
        Refund.objects.filter(pk=refund.pk).update(approved_by=finance)


def test_it_gives_back_a_counter_payment_without_a_provider_call(account, people, fake):
    cashier, finance, _ = people
    bill = make_bill(account, 5000)
    payment = counter.take_counter_payment(account=account, bill=bill, method="cash", amount_cents=5000,
                                           submission_key="pay-1", user=cashier)
    refund = refunds.approve_refund(ask(payment, cashier, cents=5000), user=finance)
    assert refund.status == Refund.Status.SUCCEEDED and not fake.calls
    assert Posting.objects.filter(account=CASH_DRAWER).total() == 0
    assert Payment.objects.get(pk=payment.pk).status == Payment.Status.REFUNDED and bill.balance_cents() == 5000


def test_it_rejects_with_a_note_and_moves_nothing(account, people, fake):
    cashier, finance, _ = people
    refund = refunds.reject_refund(ask(online_payment(account), cashier), user=finance, note="Not a duplicate")
    assert refund.status == Refund.Status.REJECTED and refund.failure_reason == "Not a duplicate"
    assert not fake.calls and not JournalEntry.objects.filter(kind=JournalEntry.Kind.REFUND).exists()
    with pytest.raises(refunds.RefundError, match="already decided"):
        refunds.approve_refund(refund, user=finance)
    with pytest.raises(refunds.RefundError, match="Say why"):
        refunds.reject_refund(ask(refund.payment, cashier, key="form-2"), user=finance, note="  ")


def test_it_records_a_double_submitted_request_once(account, people):
    cashier, *_ = people
    payment = online_payment(account)
    first, second = ask(payment, cashier), ask(payment, cashier)
    assert first.pk == second.pk and second.created is False and Refund.objects.count() == 1


@pytest.mark.parametrize(("cents", "reason", "message"), [
    (0, "Duplicate", "more than zero"),
    (-5, "Duplicate", "more than zero"),
    (3001, "Duplicate", r"At most \$30\.00"),
    (100, "   ", "Say why"),
])
def test_it_refuses_bad_requests_clearly(account, people, cents, reason, message):
    cashier, *_ = people
    payment = online_payment(account)
    ask(payment, cashier, cents=2000, key="first")  # waiting: it holds $20 of the $50
    with pytest.raises(refunds.RefundError, match=message):
        ask(payment, cashier, cents=cents, reason=reason, key="second")
    assert Refund.objects.count() == 1


def test_it_refuses_to_refund_a_payment_that_did_not_go_through(account, people):
    cashier, *_ = people
    payment = make_payment(account, 1000, record=False)
    with pytest.raises(refunds.RefundError, match="Only a paid payment"):
        ask(payment, cashier, cents=500)


def test_it_keeps_a_soft_failure_for_a_retry_with_the_same_key(account, people, fake):
    cashier, finance, _ = people
    fake.answers = [ProviderError("timeout", soft=True, code="timeout"), "succeeded"]
    refund = refunds.approve_refund(ask(online_payment(account), cashier), user=finance)
    assert refund.status == Refund.Status.APPROVED and "timeout" in refund.failure_reason
    assert not JournalEntry.objects.filter(kind=JournalEntry.Kind.REFUND).exists()
    refund = refunds.send_refund(refund)
    assert refund.status == Refund.Status.SUCCEEDED
    assert [call[2] for call in fake.calls] == [refund.idempotency_key] * 2
    assert JournalEntry.objects.filter(kind=JournalEntry.Kind.REFUND).count() == 1


def test_it_marks_a_hard_failure_failed_and_posts_nothing(account, people, fake):
    cashier, finance, _ = people
    fake.answers = [ProviderError("charge disputed", soft=False, code="charge_disputed")]
    refund = refunds.approve_refund(ask(online_payment(account), cashier), user=finance)
    assert refund.status == Refund.Status.FAILED
    assert not JournalEntry.objects.filter(kind=JournalEntry.Kind.REFUND).exists()


def test_it_finishes_a_pending_provider_refund_later_once(account, people, fake):
    cashier, finance, _ = people
    fake.answers = ["pending"]
    refund = refunds.approve_refund(ask(online_payment(account), cashier), user=finance)
    assert refund.status == Refund.Status.SENT
    assert not JournalEntry.objects.filter(kind=JournalEntry.Kind.REFUND).exists()
    refunds.complete_refund(refund)
    refunds.complete_refund(refund)
    assert Refund.objects.get(pk=refund.pk).status == Refund.Status.SUCCEEDED
    assert JournalEntry.objects.filter(kind=JournalEntry.Kind.REFUND).count() == 1


def test_it_finishes_or_fails_a_sent_refund_from_the_providers_webhook_news(account, people, fake):
    cashier, finance, _ = people
    fake.answers = ["pending", "pending"]
    done = refunds.approve_refund(ask(online_payment(account), cashier, cents=1000), user=finance)
    failed = refunds.approve_refund(ask(done.payment, cashier, cents=1000, key="form-2"), user=finance)

    def news(refund, status):
        return ProviderRefund(provider_refund_id=refund.provider_refund_id, provider_payment_id="pi_123",
                              status=status, amount_cents=1000, currency="usd")

    assert refunds.apply_provider_refund("fake", news(done, "succeeded")).status == Refund.Status.SUCCEEDED
    assert refunds.apply_provider_refund("fake", news(done, "succeeded")).status == Refund.Status.SUCCEEDED
    assert refunds.apply_provider_refund("fake", news(failed, "failed")).status == Refund.Status.FAILED
    assert JournalEntry.objects.filter(kind=JournalEntry.Kind.REFUND).count() == 1
    assert refunds.apply_provider_refund("other", news(done, "succeeded")) is None


def test_it_retries_approved_refunds_from_the_periodic_task(account, people, fake):
    from civicdesk.payments.ops_tasks import send_approved_refunds_task

    cashier, finance, _ = people
    fake.answers = [ProviderError("timeout", soft=True, code="timeout")]
    refund = refunds.approve_refund(ask(online_payment(account), cashier), user=finance)
    assert refund.status == Refund.Status.APPROVED
    assert send_approved_refunds_task.call() == 1
    assert Refund.objects.get(pk=refund.pk).status == Refund.Status.SUCCEEDED
    assert send_approved_refunds_task.call() == 0
