"""Paying an application's fee online: a payments bill, payments' own checkout (the sandbox's hosted page, forms
only), settlement by return or webhook marking the fee paid exactly once, the receipt, the "pay before the review"
and "pay before the permit" gates, and who may open the pay page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from civicdesk.applications import fees, services
from civicdesk.applications.demo import submitted_fence
from civicdesk.applications.models import Application, Event
from civicdesk.audit.models import AuditEntry
from civicdesk.notifications.models import Delivery
from civicdesk.payments import services as payments
from civicdesk.payments.models import JournalEntry, Payment, SandboxCheckout
from civicdesk.payments.providers.sandbox import SIGNATURE_HEADER, sign, webhook_body
from civicdesk.testing.auth import login_verified

from .helpers import tick_all

SITE = "https://311.elm.example.gov"


@pytest.fixture(autouse=True)
def sandbox(settings):
    settings.PAYMENTS_SANDBOX_ALLOWED = True
    settings.PAYMENT_PROVIDER = "sandbox"
    settings.SITE_URL = SITE


def to_provider(client, application, method="card") -> str:
    page = client.get(reverse("applications:pay", args=[application.pk]))
    assert page.status_code == 200
    key = page.context["form"]["idempotency_key"].value()
    sent = client.post(reverse("applications:pay", args=[application.pk]), {"method": method, "idempotency_key": key})
    assert sent.status_code == 302, sent.content
    return sent.url


def test_it_pays_the_fee_by_card_and_marks_it_paid_once(client, fence, world):
    application = submitted_fence(fence, world.alice)
    client.force_login(world.alice)
    detail = client.get(application.get_absolute_url()).content.decode()
    assert "Pay the fee online" in detail and "not paid yet" in detail
    page = to_provider(client, application)
    assert b"Sandbox payment page" in client.get(page).content
    back = client.post(page, {"outcome": "card"})
    payment = Payment.objects.get()
    token = payments.receipt_token(payment)
    assert back.url == SITE + reverse("payments:return", args=[token])
    receipt = client.get(reverse("payments:return", args=[token]), follow=True)
    assert receipt.status_code == 200 and payment.reference.encode() in receipt.content
    # The webhook arrives after the return: nothing is recorded twice.
    body = webhook_body(SandboxCheckout.objects.get(), event_id="evt_fee_after_return")
    client.post(reverse("payments:webhook", args=["sandbox"]), body, content_type="application/json",
                headers={SIGNATURE_HEADER: sign(body)})
    application.refresh_from_db()
    assert application.fee_received_at is not None and fees.fee_state(application) == "paid"
    assert application.events.filter(kind=Event.Kind.FEE_RECEIVED).count() == 1
    assert JournalEntry.objects.filter(payment=payment, kind="payment").count() == 1
    assert application.fee.bill.balance_cents() == 0 and application.fee.bill.amount_cents == application.fee_cents
    assert AuditEntry.objects.filter(action="application.fee_paid").count() == 1
    assert Delivery.objects.filter(event="payment.receipt", key=f"payment:{payment.pk}:receipt").exists()
    mine = client.get(reverse("applications:mine")).content.decode()
    assert "paid" in mine and reverse("applications:pay", args=[application.pk]) not in mine
    # Paid: the pay page sends the applicant back to the application.
    assert client.get(reverse("applications:pay", args=[application.pk])).url == application.get_absolute_url()


def test_it_keeps_the_fee_unpaid_while_a_bank_debit_is_pending_and_after_a_decline(client, fence, world):
    application = submitted_fence(fence, world.alice)
    client.force_login(world.alice)
    client.post(to_provider(client, application, method="us_bank_account"), {"outcome": "bank"})
    pending = Payment.objects.get()
    client.get(reverse("payments:return", args=[payments.receipt_token(pending)]))
    application.refresh_from_db()
    assert application.fee_received_at is None
    assert Application.objects.count() == 1 and application.fee.bill.balance_cents() == application.fee_cents


def test_it_makes_one_bill_however_often_the_pay_page_is_opened(client, fence, world):
    application = submitted_fence(fence, world.alice)
    client.force_login(world.alice)
    client.get(reverse("applications:pay", args=[application.pk]))
    client.get(reverse("applications:pay", args=[application.pk]))
    assert application.__class__.objects.get(pk=application.pk).fee.bill.account.number == application.number
    from civicdesk.payments.models import Bill

    assert Bill.objects.count() == 1


def test_it_shows_the_pay_page_only_to_the_applicant(client, fence, world, seats):
    application = submitted_fence(fence, world.alice)
    url = reverse("applications:pay", args=[application.pk])
    assert client.get(url).status_code == 302  # signed out: to the sign-in page
    client.force_login(world.mallory)
    assert client.get(url).status_code == 404
    login_verified(client, seats.admin)
    assert client.get(url).status_code == 404


def test_it_refuses_a_forged_form_with_words(client, fence, world):
    application = submitted_fence(fence, world.alice)
    client.force_login(world.alice)
    page = client.post(reverse("applications:pay", args=[application.pk]), {"method": "card",
                                                                             "idempotency_key": "<script>"})
    assert "This form has expired. Please start again." in page.content.decode()
    assert not Payment.objects.exists()


def test_it_holds_the_review_until_paid_when_the_type_says_so(fence, world, seats):
    services.update_type(fence, user=seats.admin, fee_due="submission")
    application = submitted_fence(fence, world.alice)
    tick_all(application, seats.admin)
    with pytest.raises(services.ApplicationError, match="the review starts once it is paid or waived"):
        services.complete_step(application, user=seats.admin)
    fees.waive(application, user=seats.admin, reason="Hardship")
    application.refresh_from_db()
    services.complete_step(application, user=seats.admin)
    assert application.step.kind == "review"


def test_it_holds_approval_until_paid_by_default(fence, world, seats):
    application = submitted_fence(fence, world.alice)
    for reviewer in (seats.admin, world.bob, world.carol):
        tick_all(application, reviewer)
        services.complete_step(application, user=reviewer)
    with pytest.raises(services.ApplicationError):
        services.decide(application, user=seats.supervisor, approve=True, reasons="Fine.")
