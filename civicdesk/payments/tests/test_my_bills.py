"""Signed-in residents: link an account with the bill's facts, then see open and past bills, payments, receipts."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse

from civicdesk.payments import services
from civicdesk.payments.models import AccountLink, format_money

from .helpers import make_account, make_bill, make_payment

FACTS = {"kind": "water_sewer", "number": "W-100-200", "postcode": "62701", "last_amount": "54.20"}


def test_it_asks_guests_to_sign_in(client, db):
    assert client.get(reverse("payments:mine")).status_code == 302
    assert client.get(reverse("payments:link")).status_code == 302


def test_it_links_an_account_with_the_facts_of_its_bill(client, bill, world):
    client.force_login(world.alice)
    response = client.post(reverse("payments:link"), FACTS)
    assert response.status_code == 302 and response.url == reverse("payments:mine")
    link = AccountLink.objects.get(user=world.alice)
    assert link.account == bill.account and link.verified_by == "bill_facts"
    assert bill.account.audit_entries().filter(action="billingaccount.linked").exists()
    client.post(reverse("payments:link"), FACTS)
    assert AccountLink.objects.count() == 1


def test_it_refuses_to_link_with_a_wrong_fact(client, bill, world):
    client.force_login(world.alice)
    response = client.post(reverse("payments:link"), FACTS | {"postcode": "99999"})
    assert b"We could not find a bill with those details" in response.content
    assert not AccountLink.objects.exists()


def test_it_shows_open_bills_past_bills_payments_and_receipts(client, bill, world, django_assert_max_num_queries):
    older = make_bill(bill.account, 3000, number="2026-10")
    payment = make_payment(bill.account, 3000, bill=older, payer_email="alice@example.org")
    AccountLink.objects.create(user=world.alice, account=bill.account)
    other = make_account(world.elm, number="P-77", kind="parking")
    make_bill(other, 4500, number="T-1")
    AccountLink.objects.create(user=world.alice, account=other)
    client.force_login(world.alice)
    with django_assert_max_num_queries(30):
        page = client.get(reverse("payments:mine")).content.decode()
    assert "Bill 2026-11, due" in page and "$54.20 owed" in page
    assert "2026-10" in page and payment.reference in page
    assert reverse("payments:receipt", args=[services.receipt_token(payment)]) in page
    assert "P-77" in page and "T-1" in page


def test_it_lets_a_linked_resident_pay_without_the_facts_again(client, bill, world):
    AccountLink.objects.create(user=world.alice, account=bill.account)
    client.force_login(world.alice)
    assert client.get(reverse("payments:account", args=[bill.account.pk])).status_code == 200
    client.force_login(world.mallory)
    assert client.get(reverse("payments:account", args=[bill.account.pk])).status_code == 404


def test_it_shows_nothing_of_accounts_linked_by_others(client, bill, world):
    AccountLink.objects.create(user=world.alice, account=bill.account)
    client.force_login(world.mallory)
    page = client.get(reverse("payments:mine")).content.decode()
    assert "W-100-200" not in page and "You have not linked a billing account yet." in page


def _link_accounts(world, count: int) -> list:
    """`count` accounts linked to alice, each with an open bill, two paid bills and two payments."""
    linked = []
    for n in range(count):
        account = make_account(world.elm, number=f"Q-{n:03d}")
        for month in (9, 10):
            paid = make_bill(account, 2000 + n, number=f"Q{n}-{month}", issued_on=date(2026, month, 1))
            make_payment(account, 2000 + n, bill=paid)
        make_bill(account, 3000 + n, number=f"Q{n}-11")
        AccountLink.objects.create(user=world.alice, account=account)
        linked.append(account)
    return linked


@pytest.mark.parametrize("count", [1, 20])
def test_it_costs_the_same_queries_for_one_or_twenty_linked_accounts(client, world, count,
                                                                       django_assert_max_num_queries):
    _link_accounts(world, count)
    client.force_login(world.alice)
    client.get(reverse("payments:mine"))  # receipt tokens are created on the first visit
    with django_assert_max_num_queries(12):
        page = client.get(reverse("payments:mine")).content.decode()
    assert page.count('data-testid="linked-account"') == count
    last = count - 1
    assert f"Q{last}-11" in page and f"Q{last}-9" in page and f"Q{last}-10" in page
    assert format_money(3000 + last) + " owed" in page


def test_it_sums_each_linked_accounts_balance_and_credit_apart(world):
    first, second = _link_accounts(world, 2)
    make_payment(second, 5000)  # more than the open bill: the rest is a credit
    summaries = services.account_summaries([first, second])
    assert [s["account"] for s in summaries] == [first, second]
    assert summaries[0]["balance_cents"] == first.balance_cents() == 3000
    assert summaries[1]["balance_cents"] == second.balance_cents()
    assert summaries[1]["credit_cents"] == second.credit_cents() > 0
    assert [b.number for b in summaries[0]["past_bills"]] == ["Q0-10", "Q0-9"]
    assert all(p.receipt_token for p in summaries[0]["payments"])


def test_it_lists_at_most_the_history_length_of_past_bills(world):
    account = make_account(world.elm, number="H-1")
    for n in range(services.HISTORY_LENGTH + 3):
        paid = make_bill(account, 100, number=f"H{n:02d}", issued_on=date(2024, 1, 1) + timedelta(days=n))
        make_payment(account, 100, bill=paid)
    summary = services.account_summaries([account])[0]
    assert len(summary["past_bills"]) == len(summary["payments"]) == services.HISTORY_LENGTH
    assert summary["past_bills"][0].number == f"H{services.HISTORY_LENGTH + 2:02d}"
