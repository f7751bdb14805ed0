"""The demo money operations (ops_demo.py): every staff money page shows something real with the demo data."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from civicdesk.payments import demo, ops_demo
from civicdesk.payments.models import Payment, PayoutDifference, Refund
from civicdesk.testing.auth import login_verified

from .ops_people import money_people


def test_it_seeds_counter_payments_a_waiting_refund_and_a_difference_once(client, world):
    people = money_people(world)
    demo.seed(jurisdiction=world.elm, today=dt.date(2026, 12, 5))
    summary = "2 counter payments, 1 refund waiting for approval, 1 reconciliation difference(s)"
    assert ops_demo.seed(jurisdiction=world.elm, cashier=people.cashier) == summary
    ops_demo.seed(jurisdiction=world.elm, cashier=people.cashier)
    assert Payment.objects.filter(channel="counter").count() == 2 and Refund.objects.count() == 1
    assert PayoutDifference.objects.count() == 1
    login_verified(client, people.finance)
    pages = {
        "payments_staff:home": "1 waiting for approval",
        "payments_staff:refunds": "Citation dismissed at the hearing",
        "payments_staff:reconciliation": "pi_demo_not_ours",
        "payments_staff:dashboard": "Cheque",
        "payments_staff:ledger": "journal_id",
    }
    for name, text in pages.items():
        page = client.get(reverse(name))
        assert page.status_code == 200 and text in page.content.decode(), name
    cash = Payment.objects.get(method="cash")
    client.logout()
    login_verified(client, people.cashier)
    receipt = client.get(reverse("payments_staff:payment", args=[cash.reference])).content.decode()
    assert "$20.00" in receipt  # the change from $520.00 for $500.00
    account = client.get(reverse("payments_staff:account", args=[cash.account_id])).content.decode()
    assert cash.reference in account and "$1,342.50" in account
