"""End to end in a browser, JavaScript off: a guest finds a bill and pays it by card with PAYMENT_PROVIDER=stripe
on the local Stripe stand-in's hosted page; the signed webhook arrives; the bill shows paid, once, even when
Stripe delivers the webhooks again. Every page passes axe-core with no violation at all."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from civicdesk.payments.models import JournalEntry, Payment, ProviderEvent
from civicdesk.testing.axe import assert_no_axe_violations, new_phone_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CARD = "4242 4242 4242 4242"


@pytest.fixture
def stripe_site(settings, live_server, standin):
    """CivicDesk on the live server taking payments through the stand-in, which posts its webhooks back to it."""
    settings.PAYMENT_PROVIDER = "stripe"
    settings.SITE_URL = live_server.url
    policy = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {**policy, "form-action": [*policy["form-action"],
                                                                                 standin.url]}}
    standin.webhook_url = f"{live_server.url}/payments/webhooks/stripe/"
    return live_server


def go_to_stripe(page, site_url: str, method: str, total: str) -> None:
    """Find the bill as a guest, choose `method` (the start of its label), confirm: Stripe's page opens."""
    page.goto(f"{site_url}/payments/")
    page.get_by_label("Kind of bill").select_option("water_sewer")
    page.get_by_label("Account number").fill("W-100-200")
    page.get_by_label("Service postcode").fill("62701")
    page.get_by_label("Amount of your last bill").fill("54.20")
    page.get_by_role("button", name="Find my bill").click()
    page.locator("label", has_text=method).click()
    page.get_by_label("Email for your receipt").fill("payer@example.org")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Check and pay")).to_be_visible()
    assert_no_axe_violations(page, context="confirm step")
    page.get_by_role("button", name=f"Pay ${total}").click()
    expect(page.get_by_role("heading", name=f"Pay {total} USD")).to_be_visible()


def test_it_pays_a_bill_by_card_through_stripes_hosted_page_once(stripe_site, standin, bill, browser):
    page = new_phone_page(browser, javascript=False)
    try:
        go_to_stripe(page, stripe_site.url, "Card (fee", "55.56")
        assert page.url.startswith(f"{standin.url}/c/pay/cs_test_")
        assert_no_axe_violations(page, context="Stripe stand-in's hosted page")
        page.get_by_label("Card", exact=True).check()
        page.get_by_label("Card number").fill(CARD)
        page.get_by_label("Expiry (MM / YY)").fill("12 / 34")
        page.get_by_label("Security code (CVC)").fill("123")
        page.get_by_role("button", name="Pay 55.56 USD").click()

        expect(page.get_by_role("heading", name="Receipt")).to_be_visible()
        expect(page.get_by_test_id("paid")).to_contain_text("Your payment of $55.56 was received.")
        assert page.url.startswith(f"{stripe_site.url}/payments/receipt/")
        assert_no_axe_violations(page, context="receipt")
    finally:
        page.context.close()

    payment = Payment.objects.get()
    assert (payment.provider, payment.status, payment.total_cents) == ("stripe", "succeeded", 5556)
    assert payment.method_label == "Visa ending 4242" and payment.provider_payment_id.startswith("pi_")
    delivered = {standin.objects[event_id]["type"]: status for event_id, status in standin.deliveries}
    assert delivered == {"payment_intent.succeeded": 200, "checkout.session.completed": 200}
    assert ProviderEvent.objects.filter(provider="stripe").count() == 2
    entries = JournalEntry.objects.count()

    for event_id, _status in list(standin.deliveries):  # Stripe delivers again when it is unsure we got it
        assert standin.deliver(event_id) == 200
    payment.refresh_from_db()
    assert payment.status == "succeeded" and JournalEntry.objects.count() == entries
    assert Payment.objects.count() == 1 and ProviderEvent.objects.filter(provider="stripe").count() == 2
    assert bill.balance_cents() == 0
    stored = json.dumps([*Payment.objects.values(), *ProviderEvent.objects.values()], default=str)
    assert CARD.replace(" ", "") not in stored and CARD not in stored


def test_it_shows_a_bank_debit_pending_until_stripe_says_it_settled(stripe_site, standin, bill, browser):
    page = new_phone_page(browser, javascript=False)
    try:
        go_to_stripe(page, stripe_site.url, "Bank account (ACH debit)", "54.20")
        page.get_by_label("US bank account (ACH debit)").check()
        page.get_by_label("Routing number").fill("110000000")
        page.get_by_label("Account number").fill("000123456789")
        page.get_by_role("button", name="Pay 54.20 USD").click()

        expect(page.get_by_role("heading", name="Payment pending")).to_be_visible()
        assert_no_axe_violations(page, context="pending receipt")
        payment = Payment.objects.get()
        assert payment.status == "pending" and bill.balance_cents() == 5420

        standin.settle(payment.provider_payment_id)  # days later: the debit went through
        page.reload()
        expect(page.get_by_test_id("paid")).to_contain_text("Your payment of $54.20 was received.")
    finally:
        page.context.close()

    payment.refresh_from_db()
    assert payment.status == "succeeded" and payment.method_label == "Stripe Test Bank account ending 6789"
    assert bill.balance_cents() == 0
    assert [standin.objects[event_id]["type"] for event_id, _status in standin.deliveries] == [
        "payment_intent.processing", "checkout.session.completed", "payment_intent.succeeded",
        "checkout.session.async_payment_succeeded"]
    assert "000123456789" not in json.dumps([*Payment.objects.values(), *ProviderEvent.objects.values()],
                                            default=str)
