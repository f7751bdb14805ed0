"""The counter pages (staff_views.home, accounts, account, payment): find an account, take a payment, receipt."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from civicdesk.payments.models import Payment
from civicdesk.testing.auth import login_verified

from .helpers import make_account, make_bill, make_payment
from .ops_people import money_people


@pytest.fixture
def people(world):
    return money_people(world)


def key_of(page) -> str:
    return re.search(r'name="submission_key" value="([0-9a-f]+)"', page.content.decode()).group(1)


def test_it_finds_an_account_by_number_or_bill_number_in_the_cashiers_jurisdiction(client, world, people, account):
    bill = make_bill(account, 5000, number="B-777")
    make_account(world.county, number="W-100-999")
    login_verified(client, people.cashier)
    found = client.get(reverse("payments_staff:accounts"), {"q": "w100 200"})
    assert found.status_code == 302 and found["Location"] == reverse("payments_staff:account", args=[account.pk])
    assert client.get(reverse("payments_staff:accounts"), {"q": bill.number}).status_code == 302
    nothing = client.get(reverse("payments_staff:accounts"), {"q": "W-100-999"})  # the county's: not hers
    assert nothing.status_code == 200 and "No account or bill in your jurisdictions" in nothing.content.decode()


def test_it_lists_many_matches_in_few_queries(client, world, people, django_assert_max_num_queries):
    for number in range(25):
        make_account(world.elm, number=f"W-5{number:02d}")
    login_verified(client, people.cashier)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("payments_staff:accounts"), {"q": "W5"})
    assert page.content.decode().count('href="/staff/payments/accounts/') == 20


def test_it_takes_a_cash_payment_shows_the_change_and_survives_a_double_submit(client, people, account):
    bill = make_bill(account, 5000)
    login_verified(client, people.cashier)
    page = client.get(reverse("payments_staff:account", args=[account.pk]))
    assert "$50.00" in page.content.decode()
    form = {"submission_key": key_of(page), "bill": bill.pk, "method": "cash", "amount": "20.00", "tendered": "50"}
    first = client.post(reverse("payments_staff:account", args=[account.pk]), form)
    second = client.post(reverse("payments_staff:account", args=[account.pk]), form)
    payment = Payment.objects.get()
    assert first["Location"] == second["Location"] == reverse("payments_staff:payment", args=[payment.reference])
    receipt = client.get(first["Location"]).content.decode()
    assert "$30.00" in receipt and "Cash" in receipt  # the change
    assert bill.balance_cents() == 3000


@pytest.mark.parametrize(("values", "message"), [
    ({"amount": "0"}, "The amount must be more than zero."),
    ({"amount": "-5"}, "The amount must be more than zero."),
    ({"amount": "50.01"}, "That is more than is owed ($50.00)."),
    ({"amount": "12.345"}, "Type an amount like 12.50."),
    ({"method": "card_terminal", "terminal_reference": "4111111111111111"}, "That looks like a card number."),
])
def test_it_answers_bad_payments_clearly_and_takes_nothing(client, people, account, values, message):
    bill = make_bill(account, 5000)
    login_verified(client, people.cashier)
    page = client.get(reverse("payments_staff:account", args=[account.pk]))
    form = {"submission_key": key_of(page), "bill": bill.pk, "method": "cash", "amount": "10"} | values
    response = client.post(reverse("payments_staff:account", args=[account.pk]), form)
    assert response.status_code == 400 and message in response.content.decode().replace("&#x27;", "'")
    assert not Payment.objects.exists()
    assert "4111111111111111" not in response.content.decode()  # not even echoed back


def test_it_renders_script_in_the_holders_name_as_text(client, world, people):
    account = make_account(world.elm, holder_name="<script>alert('zanzibarcanary')</script>")
    login_verified(client, people.cashier)
    page = client.get(reverse("payments_staff:account", args=[account.pk])).content.decode()
    assert "<script>alert" not in page and "&lt;script&gt;alert(&#x27;zanzibarcanary" in page


def test_it_keeps_other_jurisdictions_accounts_out_of_reach(client, world, people):
    county = make_account(world.county)
    login_verified(client, people.cashier)
    assert client.get(reverse("payments_staff:account", args=[county.pk])).status_code == 404
    login_verified(client, world.bob)
    assert client.get(reverse("payments_staff:account", args=[county.pk])).status_code == 403


def test_it_shows_the_accounts_autopay_mandate_and_debits(client, world, people, account):
    import datetime as dt

    from django.utils import timezone

    from civicdesk.payments import autopay
    from civicdesk.payments.models import AutopayMandate

    bill = make_bill(account, 4200, issued_on=dt.date(2026, 11, 1), due_in_days=14)
    AutopayMandate.objects.create(account=account, user=world.alice, provider="sandbox", mandate_ref="sbx_pm_s",
                                  method_label="Sandbox bank account ending 6789",
                                  mandate_text="I authorise staffpagecanary", consented_at=timezone.make_aware(
                                      dt.datetime(2026, 10, 1, 12)), consent_user_agent="AgentQuokka/1.0")
    autopay.run_autopay(timezone.make_aware(dt.datetime(2026, 11, 15, 12)))
    login_verified(client, people.cashier)
    page = client.get(reverse("payments_staff:account", args=[account.pk])).content.decode()
    assert "staffpagecanary" in page and "AgentQuokka/1.0" in page
    assert 'data-testid="autopay-debits"' in page and bill.number in page


def test_it_shows_an_account_with_many_bills_and_payments_in_few_queries(client, people, account,
                                                                           django_assert_max_num_queries):
    references = []
    for n in range(12):
        bill = make_bill(account, 5000 + n, number=f"MANY-{n:02d}")
        references.append(make_payment(account, 1000, bill=bill, channel="counter", method="cash",
                                       taken_by=people.cashier).reference)
    login_verified(client, people.cashier)
    with django_assert_max_num_queries(20):
        page = client.get(reverse("payments_staff:account", args=[account.pk])).content.decode()
    assert all(f"MANY-{n:02d}" in page for n in range(12)) and all(ref in page for ref in references)
