"""The resident's return from the provider: the same settle() as webhooks, so either order records one payment."""

from __future__ import annotations

from django.urls import reverse

from civicdesk.payments import services
from civicdesk.payments.models import JournalEntry, Payment, SandboxCheckout
from civicdesk.payments.providers.sandbox import SIGNATURE_HEADER, sign, webhook_body

from .conftest import pay_form, verify


def to_provider(client, bill, **form):
    verify(client, bill.account)
    return client.post(reverse("payments:account", args=[bill.account.pk]), pay_form(bill, **form)).url


def test_it_pays_by_card_end_to_end(client, bill):
    page = to_provider(client, bill)
    assert b"Sandbox payment page" in client.get(page).content
    back = client.post(page, {"outcome": "card"})
    payment = Payment.objects.get()
    token = services.receipt_token(payment)
    assert back.url == "https://311.elm.example.gov" + reverse("payments:return", args=[token])
    receipt = client.get(reverse("payments:return", args=[token]), follow=True)
    assert b"Thank you. Your payment of $55.56 was received." in receipt.content
    payment.refresh_from_db()
    assert payment.status == "succeeded" and bill.balance_cents() == 0
    assert JournalEntry.objects.filter(payment=payment).count() == 2  # the payment and its fee


def test_it_records_once_when_return_and_webhook_both_arrive_in_either_order(client, bill):
    page = to_provider(client, bill)
    client.post(page, {"outcome": "card"})
    payment = Payment.objects.get()
    token = services.receipt_token(payment)
    client.get(reverse("payments:return", args=[token]))
    body = webhook_body(SandboxCheckout.objects.get(), event_id="evt_after_return")
    client.post(reverse("payments:webhook", args=["sandbox"]), body, content_type="application/json",
                headers={SIGNATURE_HEADER: sign(body)})
    client.get(reverse("payments:return", args=[token]))
    assert JournalEntry.objects.filter(payment=payment, kind="payment").count() == 1
    assert bill.account.balance_cents() == 0


def test_it_shows_a_bank_debit_as_pending(client, bill):
    page = to_provider(client, bill, method="us_bank_account")
    client.post(page, {"outcome": "bank"})
    payment = Payment.objects.get()
    receipt = client.get(reverse("payments:return", args=[services.receipt_token(payment)]), follow=True)
    assert b"Payment pending" in receipt.content
    payment.refresh_from_db()
    assert payment.status == "pending" and bill.balance_cents() == 5420


def test_it_shows_a_declined_payment_and_lets_the_resident_try_again(client, bill):
    page = to_provider(client, bill)
    client.post(page, {"outcome": "decline"})
    token = services.receipt_token(Payment.objects.get())
    receipt = client.get(reverse("payments:return", args=[token]), follow=True)
    assert b"The payment was declined. Nothing was charged." in receipt.content
    assert bill.balance_cents() == 5420


def test_it_cancels_a_payment_the_resident_abandoned(client, bill):
    page = to_provider(client, bill)
    back = client.post(page, {"outcome": "cancel"})
    client.get(back.url.removeprefix("https://311.elm.example.gov"))
    assert Payment.objects.get().status == "cancelled"


def test_it_answers_404_for_an_unknown_token(client, db):
    assert client.get(reverse("payments:return", args=["nope"])).status_code == 404
