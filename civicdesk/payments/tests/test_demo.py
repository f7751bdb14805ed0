"""The demo bills: every bill kind can be found with its printed facts and paid through every page of the flow."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from civicdesk.payments import demo, services
from civicdesk.payments.models import BillingAccount, BillKind, Payment

from .conftest import pay_form


def test_it_covers_every_bill_kind(world):
    assert demo.seed(jurisdiction=world.elm, today=dt.date(2026, 12, 5)) == "5 billing accounts, 7 bills"
    assert set(BillingAccount.objects.values_list("kind", flat=True)) == set(BillKind.values)
    assert demo.seed(jurisdiction=world.elm, today=dt.date(2026, 12, 5)) == "5 billing accounts, 7 bills"
    assert Payment.objects.count() == 1


@pytest.mark.parametrize("kind", BillKind.values)
def test_it_finds_and_pays_the_demo_bill_of_every_kind(client, world, kind):
    demo.seed(jurisdiction=world.elm, today=dt.date(2026, 12, 5))
    account = BillingAccount.objects.get(kind=kind)
    last = account.last_bill()
    found = client.post(reverse("payments:find"), {"kind": kind, "number": account.number, "postcode": "61899",
                                                   "last_amount": f"{last.amount_cents / 100:.2f}"})
    assert found.status_code == 302, found.content
    page = client.get(found.url).content.decode()
    assert account.holder_name in page and last.number in page
    open_bill = account.bills.open().order_by("due_on").first()
    to_provider = client.post(found.url, pay_form(open_bill, method="card"))
    client.post(to_provider.url, {"outcome": "card"})
    payment = Payment.objects.get(account=account, channel="web", status="created")
    token = services.receipt_token(payment)
    receipt = client.get(reverse("payments:return", args=[token]), follow=True)
    assert b"Thank you. Your payment of" in receipt.content
    assert client.get(reverse("payments:receipt_pdf", args=[token])).status_code == 200
