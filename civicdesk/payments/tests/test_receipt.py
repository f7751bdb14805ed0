"""Receipts: the page, the PDF, the email through notify() (once), in the payer's language."""

from __future__ import annotations

import io

from django.conf import settings
from django.urls import reverse
from pypdf import PdfReader

from civicdesk.notifications.models import Delivery
from civicdesk.payments import services
from civicdesk.payments.models import Payment
from civicdesk.payments.providers import ProviderPayment

from .conftest import pay_form, verify


def paid(client, bill, **form) -> Payment:
    verify(client, bill.account)
    page = client.post(reverse("payments:account", args=[bill.account.pk]), pay_form(bill, **form)).url
    client.post(page, {"outcome": "card"})
    payment = Payment.objects.get()
    client.get(reverse("payments:return", args=[services.receipt_token(payment)]))
    payment.refresh_from_db()
    return payment


def test_it_shows_the_receipt(client, bill):
    payment = paid(client, bill)
    page = client.get(reverse("payments:receipt", args=[services.receipt_token(payment)])).content.decode()
    for text in (payment.reference, "W-100-200", "2026-11", "$54.20", "$1.36", "$55.56", "Town of Elm",
                 "Sandbox card ending 4242"):
        assert text in page


def test_it_emails_the_receipt_once(client, bill):
    payment = paid(client, bill, email="receipts@example.org")
    services.send_receipt(payment)
    delivery = Delivery.objects.get(event="payment.receipt")
    assert delivery.address == "receipts@example.org"
    assert payment.reference in delivery.subject
    assert "$55.56" in delivery.body_text
    assert reverse("payments:receipt", args=[services.receipt_token(payment)]) in delivery.body_text
    assert Payment.objects.get().receipt_sent_at is not None


def test_it_emails_a_signed_link_to_the_pdf_receipt_that_opens_the_pdf(client, bill):
    payment = paid(client, bill, email="pdf-link@example.org")
    services.send_receipt(payment)
    body = Delivery.objects.get(event="payment.receipt").body_text
    line = next(line for line in body.splitlines() if line.startswith("Your receipt as a PDF file:"))
    url = line.split(": ", 1)[1]
    assert payment.reference not in url and "pdf-link" not in url  # an opaque token, not the reference or email
    response = client.get(url.removeprefix(settings.SITE_URL))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert payment.reference in PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    forged = url.removeprefix(settings.SITE_URL).replace("/receipt/", "/receipt/x")
    assert client.get(forged).status_code == 404


def test_it_emails_the_receipt_in_the_payers_language(client, bill):
    client.cookies["django_language"] = "es"
    verify(client, bill.account)
    page = client.post(reverse("payments:account", args=[bill.account.pk]), pay_form(bill),
                       HTTP_ACCEPT_LANGUAGE="es").url
    client.post(page, {"outcome": "card"})
    payment = Payment.objects.get()
    assert payment.payer_language == "es"
    client.get(reverse("payments:return", args=[services.receipt_token(payment)]))
    assert Delivery.objects.get(event="payment.receipt").language == "es"


def test_it_offers_the_receipt_as_a_pdf(client, bill):
    payment = paid(client, bill)
    response = client.get(reverse("payments:receipt_pdf", args=[services.receipt_token(payment)]))
    assert response["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert payment.reference in text and "$55.56" in text


def test_it_has_no_pdf_for_an_unpaid_payment(client, bill):
    verify(client, bill.account)
    client.post(reverse("payments:account", args=[bill.account.pk]), pay_form(bill))
    token = services.receipt_token(Payment.objects.get())
    assert client.get(reverse("payments:receipt_pdf", args=[token])).status_code == 404
    assert b"This payment was not completed" in client.get(reverse("payments:receipt", args=[token])).content


def test_it_records_a_payment_once_even_when_settled_twice_directly(client, bill):
    payment = paid(client, bill)
    news = ProviderPayment(reference=payment.reference, provider_payment_id="x", status="succeeded",
                           amount_cents=payment.total_cents, currency="usd")
    services.settle("sandbox", news)
    assert Delivery.objects.filter(event="payment.receipt").count() == 1
    assert payment.journal_entries.filter(kind="payment").count() == 1
