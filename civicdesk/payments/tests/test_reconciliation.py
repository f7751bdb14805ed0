"""The daily reconciliation (reconciliation.py, ops_tasks, staff_views.reconciliation_page and resolve)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from civicdesk.audit.models import AuditEntry
from civicdesk.payments import ledger, reconciliation
from civicdesk.payments.models import PayoutDifference, ProviderEvent, Refund
from civicdesk.payments.ops_tasks import reconcile_payouts_task
from civicdesk.testing.auth import login_verified

from .helpers import make_bill, make_payment
from .ops_people import money_people

NOW = timezone.now()


def paid(account, cents, pid, days_ago=1):
    payment = make_payment(account, cents, bill=make_bill(account, cents), provider_payment_id=pid)
    payment.succeeded_at = NOW - dt.timedelta(days=days_ago)
    payment.save(update_fields=["succeeded_at"])
    return payment


def payout(payout_id, cents, ids, provider="sandbox", fee_cents=None):
    summary = {"payout_id": payout_id, "amount_cents": cents, "currency": "usd", "payment_ids": ids}
    if fee_cents is not None:
        summary["fee_cents"] = fee_cents
    return ProviderEvent.objects.create(provider=provider, event_id=f"evt_{payout_id}", kind="payout", created=1,
                                        payload_summary=summary)


def kinds():
    return sorted(PayoutDifference.objects.values_list("kind", flat=True))


def test_it_finds_nothing_when_payouts_match_the_ledger(account):
    paid(account, 5000, "pi_1"), paid(account, 2500, "pi_2")
    payout("po_1", 7500, ["pi_1", "pi_2"])
    assert reconciliation.reconcile(now=NOW).new_differences == 0 and not PayoutDifference.objects.exists()


def test_it_adds_back_the_fees_a_provider_kept_from_a_payout(account):
    # Stripe pays out the net: 7,500 collected, 2.9% + 30¢ per card charge kept back (175 + 103 cents).
    paid(account, 5000, "pi_1"), paid(account, 2500, "pi_2")
    payout("po_net", 7500 - 278, ["pi_1", "pi_2"], fee_cents=278)
    assert reconciliation.reconcile(now=NOW).new_differences == 0
    # The same net payout with its fees unreported is 2.78 short of the ledger: a difference for staff.
    payout("po_unexplained", 7500 - 278, ["pi_1", "pi_2"])
    assert reconciliation.reconcile(now=NOW).new_differences == 1
    mismatch = PayoutDifference.objects.get()
    assert (mismatch.payout_id, mismatch.expected_cents, mismatch.actual_cents) == ("po_unexplained", 7500, 7222)


def test_it_lists_an_unknown_payment_a_mismatch_and_a_payment_never_paid_out_once(account):
    paid(account, 5000, "pi_1"), paid(account, 2500, "pi_2")
    late = paid(account, 1200, "pi_late", days_ago=9)
    payout("po_1", 7400, ["pi_1", "pi_2"])  # 1 dollar short
    payout("po_2", 800, ["pi_ghost"])
    assert reconciliation.reconcile(now=NOW).new_differences == 3
    assert kinds() == ["amount_mismatch", "not_paid_out", "unknown_payment"]
    mismatch = PayoutDifference.objects.get(kind="amount_mismatch")
    assert (mismatch.expected_cents, mismatch.actual_cents, mismatch.difference_cents) == (7500, 7400, -100)
    assert PayoutDifference.objects.get(kind="not_paid_out").payment == late
    assert reconciliation.reconcile(now=NOW).new_differences == 0 and PayoutDifference.objects.count() == 3


def test_it_closes_a_not_paid_out_difference_when_a_later_payout_includes_it(account):
    paid(account, 1200, "pi_late", days_ago=9)
    reconciliation.reconcile(now=NOW)
    payout("po_9", 1200, ["pi_late"])
    assert reconciliation.reconcile(now=NOW).resolved_by_payout == 1
    assert PayoutDifference.objects.get().note == "Paid out later in po_9."


def test_it_settles_the_sandbox_net_of_refunds_once(world, account):
    payment = paid(account, 5000, "pi_s1", days_ago=0)
    other = paid(account, 1000, "pi_s2", days_ago=0)
    refund = Refund.objects.create(payment=other, amount_cents=400, reason="x", requested_by=world.bob,
                                   idempotency_key="r1", status=Refund.Status.SUCCEEDED)
    ledger.record_refund(refund)
    day = timezone.localdate(payment.succeeded_at)
    event = reconciliation.settle_sandbox(day)
    assert event.payload_summary["amount_cents"] == 5600
    assert reconciliation.settle_sandbox(day).pk == event.pk
    assert reconciliation.reconcile(now=NOW).new_differences == 0


def test_it_runs_as_a_daily_task_safely_twice(account):
    paid(account, 5000, "pi_1", days_ago=1)
    assert reconcile_payouts_task.call() == 0
    assert reconcile_payouts_task.call() == 0
    assert ProviderEvent.objects.filter(kind="payout").count() == 1


@pytest.fixture
def people(world):
    return money_people(world)


def test_it_lists_differences_for_finance_and_resolves_them_with_an_audited_note(client, people, account):
    paid(account, 1200, "pi_late", days_ago=9)
    reconciliation.reconcile(now=NOW)
    difference = PayoutDifference.objects.get()
    login_verified(client, people.finance)
    page = client.get(reverse("payments_staff:reconciliation")).content.decode()
    assert "Paid, but never paid out" in page and "pi_late" in page
    client.post(reverse("payments_staff:resolve", args=[difference.pk]), {"note": "  "})
    assert PayoutDifference.objects.get().resolved_at is None
    client.post(reverse("payments_staff:resolve", args=[difference.pk]),
                {"note": "<i>zanzibarfix</i> bank confirmed"})
    difference.refresh_from_db()
    assert difference.resolved_by == people.finance
    assert AuditEntry.objects.filter(action="payout_difference.resolved", actor=people.finance).exists()
    assert "&lt;i&gt;zanzibarfix" in client.get(reverse("payments_staff:reconciliation")).content.decode()


def test_it_keeps_reconciliation_from_cashiers_and_other_jurisdictions(client, people, account):
    paid(account, 1200, "pi_late", days_ago=9)
    reconciliation.reconcile(now=NOW)
    login_verified(client, people.cashier)
    assert client.get(reverse("payments_staff:reconciliation")).status_code == 403
    client.logout()
    login_verified(client, people.county_finance)
    assert "pi_late" not in client.get(reverse("payments_staff:reconciliation")).content.decode()
    difference = PayoutDifference.objects.get()
    assert client.post(reverse("payments_staff:resolve", args=[difference.pk]), {"note": "x"}).status_code == 404


def test_it_lists_many_differences_in_few_queries(client, people, account, django_assert_max_num_queries):
    for n in range(25):
        paid(account, 1000 + n, f"pi_many{n}", days_ago=9)
    reconciliation.reconcile(now=NOW)
    for difference in PayoutDifference.objects.all()[:5]:
        reconciliation.resolve(difference, user=people.finance, note="checked with the bank")
    login_verified(client, people.finance)
    with django_assert_max_num_queries(20):
        page = client.get(reverse("payments_staff:reconciliation")).content.decode()
    assert page.count("pi_many") == 25
