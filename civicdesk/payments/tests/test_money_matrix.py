"""Every staff money URL, tried from every seat: the wrong seat gets 403 (or 404 outside its jurisdiction) and
writes nothing (the payment rules in payments/access.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from civicdesk.audit.models import AuditEntry
from civicdesk.payments import counter, reconciliation
from civicdesk.payments.models import Payment, PayoutDifference, Refund
from civicdesk.staff.tests.people import seat_people
from civicdesk.testing.auth import login_verified

from .helpers import make_bill, make_payment
from .ops_people import money_people

OK, LOGIN, FORBIDDEN = "ok", "login", 403
PAGES = {  # URL name → the action of payments/access.RULES it needs
    "home": None, "accounts": "take_payment", "account": "take_payment", "take_payment": "take_payment",
    "payment": "request_refund", "request_refund": "request_refund", "refunds": None,
    "approve": "approve_refund", "reject": "approve_refund", "ledger": "export_ledger",
    "dashboard": "view_finance", "dashboard_csv": "view_finance", "reconciliation": "reconcile",
    "run_reconciliation": "reconcile", "resolve": "reconcile",
}
ALLOWED = {  # seat → actions, written out by hand
    "cashier": {"take_payment", "request_refund"},
    "finance": {"take_payment", "request_refund", "approve_refund", "export_ledger", "view_finance", "reconcile"},
    "admin": {"view_finance"},
    "root": {"take_payment", "request_refund", "approve_refund", "export_ledger", "view_finance", "reconcile"},
}


@pytest.fixture
def setup(world, account):
    money, seats = money_people(world), seat_people(world)
    bill = make_bill(account, 5000)
    payment = counter.take_counter_payment(account=account, bill=bill, method="cash", amount_cents=1000,
                                           submission_key="k0", user=money.cashier)
    refund = Refund.objects.create(payment=payment, amount_cents=100, reason="r", requested_by=money.finance2,
                                   idempotency_key="rk")
    late = make_payment(account, 700, bill=bill, provider_payment_id="pi_late")
    Payment.objects.filter(pk=late.pk).update(succeeded_at=timezone.now() - dt.timedelta(days=10))
    reconciliation.reconcile()
    people = {"anonymous": None, "resident": world.alice, "staff": world.bob, "agent": seats.agent,
              "supervisor": seats.supervisor, "contractor": seats.contractor, "cashier": money.cashier,
              "finance": money.finance, "admin": money.admin, "root": seats.root}
    return people, account, bill, payment, refund, PayoutDifference.objects.get()


def expected(seat: str, name: str):
    if seat == "anonymous":
        return LOGIN
    if seat == "resident":
        return FORBIDDEN
    allowed = ALLOWED.get(seat, set())
    action = PAGES[name]
    if action is None:  # pages of several actions: open to anyone holding one of them
        needed = {"home": set(ALLOWED["root"]), "refunds": {"request_refund", "approve_refund"}}[name]
        return OK if allowed & needed else FORBIDDEN
    return OK if action in allowed else FORBIDDEN


def call(client, name, account, bill, payment, refund, difference):
    get = {
        "home": ("payments_staff:home", []), "accounts": ("payments_staff:accounts", []),
        "account": ("payments_staff:account", [account.pk]), "payment": ("payments_staff:payment", [payment.reference]),
        "refunds": ("payments_staff:refunds", []), "ledger": ("payments_staff:ledger", []),
        "dashboard": ("payments_staff:dashboard", []), "dashboard_csv": ("payments_staff:dashboard_csv", []),
        "reconciliation": ("payments_staff:reconciliation", []),
    }
    if name in get:
        url, args = get[name]
        return client.get(reverse(url, args=args), {"q": account.number} if name == "accounts" else {})
    post = {
        "take_payment": ("payments_staff:account", [account.pk], {"submission_key": "k9", "bill": bill.pk,
                                                                 "method": "cash", "amount": "1"}),
        "request_refund": ("payments_staff:payment", [payment.reference], {"submission_key": "k8", "amount": "1",
                                                                          "reason": "test"}),
        "approve": ("payments_staff:approve", [refund.pk], {}),
        "reject": ("payments_staff:reject", [refund.pk], {"note": "no"}),
        "run_reconciliation": ("payments_staff:reconciliation", [], {}),
        "resolve": ("payments_staff:resolve", [difference.pk], {"note": "checked"}),
    }
    url, args, data = post[name]
    return client.post(reverse(url, args=args), data)


@pytest.mark.parametrize("seat", ["anonymous", "resident", "staff", "agent", "supervisor", "contractor", "cashier",
                                  "finance", "admin", "root"])
def test_it_allows_exactly_what_each_seat_may_do_with_money(client, setup, seat):
    people, *objects = setup
    if people[seat] is not None:
        login_verified(client, people[seat])
    for name in PAGES:
        with transaction.atomic():
            before = AuditEntry.objects.count()
            response = call(client, name, *objects)
            after = AuditEntry.objects.count()
            transaction.set_rollback(True)
        want = expected(seat, name)
        if want == LOGIN:
            assert response.status_code == 302 and "/account/login/" in response["Location"], name
        elif want == OK:
            assert response.status_code in (200, 302), (seat, name, response.status_code)
            if name in ("take_payment", "request_refund", "approve", "reject", "resolve"):
                assert after > before, f"{seat} {name} wrote nothing"
        else:
            assert response.status_code == want, (seat, name, response.status_code)
            assert after == before, f"{seat} {name} wrote something"
