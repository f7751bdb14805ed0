"""The account page: choose bill, amount and method, see the fee, confirm, go to the provider; bad input refused."""

from __future__ import annotations

import pytest
from django.urls import reverse

from civicdesk.payments import ledger
from civicdesk.payments.models import Payment, SandboxCheckout

from .conftest import pay_form, verify
from .helpers import make_account, make_bill


def url(account):
    return reverse("payments:account", args=[account.pk])


def test_it_lists_open_bills_and_methods_with_their_fees(client, bill):
    verify(client, bill.account)
    page = client.get(url(bill.account)).content.decode()
    assert "Bill 2026-11, due" in page and "$54.20 owed" in page
    assert "Card (fee: 2.50% of the amount)" in page and "Bank account (ACH debit) (no fee)" in page


def test_it_shows_the_fee_and_total_before_paying(client, bill):
    verify(client, bill.account)
    page = client.post(url(bill.account), pay_form(bill, confirm=False)).content.decode()
    assert "Check and pay" in page and "$1.36" in page and "Pay $55.56" in page
    assert not Payment.objects.exists()


def test_it_sends_the_resident_to_the_provider_with_amount_and_fee(client, bill):
    verify(client, bill.account)
    response = client.post(url(bill.account), pay_form(bill))
    checkout = SandboxCheckout.objects.get()
    assert response.status_code == 302 and response.url == reverse("payments:sandbox_checkout",
                                                                   args=[checkout.session_id])
    payment = Payment.objects.get()
    assert (payment.amount_cents, payment.convenience_fee_cents, checkout.amount_cents) == (5420, 136, 5556)
    assert payment.status == "created" and payment.provider_session_id == checkout.session_id
    assert payment.audit_entries().filter(action="payment.started").exists()


def test_it_starts_one_payment_when_the_form_is_submitted_twice(client, bill):
    verify(client, bill.account)
    form = pay_form(bill, key="a" * 32)
    first = client.post(url(bill.account), form)
    second = client.post(url(bill.account), form)
    assert first.url == second.url
    assert Payment.objects.count() == 1 and SandboxCheckout.objects.count() == 1


def test_it_takes_a_partial_payment(client, bill):
    verify(client, bill.account)
    client.post(url(bill.account), pay_form(bill, amount_choice="other", other="20", method="us_bank_account"))
    payment = Payment.objects.get()
    assert (payment.amount_cents, payment.convenience_fee_cents) == (2000, 0)


@pytest.mark.parametrize(("other", "message"), [
    ("0", "Enter an amount of at least $0.01."),
    ("-5", "Enter an amount of at least $0.01."),
    ("54.21", "You can pay at most $54.20 online"),
    ("", "Enter the amount you want to pay."),
    ("lots", "Enter an amount in dollars and cents"),
])
def test_it_refuses_bad_amounts_clearly(client, bill, other, message):
    verify(client, bill.account)
    response = client.post(url(bill.account), pay_form(bill, amount_choice="other", other=other))
    assert response.status_code == 200 and message in response.content.decode()
    assert not Payment.objects.exists() and not SandboxCheckout.objects.exists()


def test_it_refuses_a_void_bill(client, bill):
    verify(client, bill.account)
    form = pay_form(bill)
    ledger.void_bill(bill, reason="Meter misread")
    response = client.post(url(bill.account), form)
    assert "This bill cannot be paid here: it is already paid, cancelled, or not on this account." in response.content.decode()
    assert not Payment.objects.exists()


def test_it_refuses_a_void_bill_in_the_service(bill):
    from civicdesk.payments import services
    bill = ledger.void_bill(bill, reason="Meter misread")
    with pytest.raises(services.PaymentRefused, match="cancelled by the city"):
        services.quote(account=bill.account, bill=bill, amount_cents=100, method="card")


def test_it_refuses_a_paid_bill(client, bill):
    from civicdesk.payments import services

    from .helpers import make_payment
    make_payment(bill.account, 5420, bill=bill)
    with pytest.raises(services.PaymentRefused, match="already paid"):
        services.quote(account=bill.account, bill=bill, amount_cents=100, method="card")
    verify(client, bill.account)
    assert b"Nothing is owed on this account right now." in client.get(url(bill.account)).content


def test_it_refuses_a_bill_of_another_account(client, bill, world):
    other = make_bill(make_account(world.elm, number="W-999"), 1000)
    verify(client, bill.account)
    response = client.post(url(bill.account), pay_form(other))
    assert "This bill cannot be paid here: it is already paid, cancelled, or not on this account." in response.content.decode()
    from civicdesk.payments import services
    with pytest.raises(services.PaymentRefused, match="not on this account"):
        services.quote(account=bill.account, bill=other, amount_cents=100, method="card")
    assert not Payment.objects.exists()


def test_it_shows_script_in_the_holder_name_as_text(client, bill):
    bill.account.holder_name = "<script>alert('paycanary')</script>"
    bill.account.save()
    verify(client, bill.account)
    page = client.get(url(bill.account)).content.decode()
    assert "<script>alert('paycanary')" not in page and "&lt;script&gt;alert(&#x27;paycanary&#x27;)" in page


def test_it_refuses_when_the_sandbox_is_not_allowed(client, bill, settings):
    settings.PAYMENTS_SANDBOX_ALLOWED = False
    settings.DEBUG = False
    verify(client, bill.account)
    response = client.post(url(bill.account), pay_form(bill))
    assert "The payment service is not available right now. Nothing was charged." in response.content.decode()
    assert not SandboxCheckout.objects.exists()


def test_it_limits_payments_started_per_client(client, bill, settings):
    settings.PAYMENTS_STARTS_PER_CLIENT_PER_HOUR = 1
    verify(client, bill.account)
    client.post(url(bill.account), pay_form(bill, amount_choice="other", other="1"))
    assert client.post(url(bill.account), pay_form(bill, amount_choice="other", other="1")).status_code == 429


def test_it_refuses_a_reused_form_with_other_choices(client, bill):
    verify(client, bill.account)
    client.post(url(bill.account), pay_form(bill, key="b" * 32))
    response = client.post(url(bill.account), pay_form(bill, key="b" * 32, amount_choice="other", other="5"))
    assert "This form has expired. Please start again." in response.content.decode()
    assert Payment.objects.get().amount_cents == 5420
