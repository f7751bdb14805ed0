"""The sandbox provider: its page, webhooks posted by the task worker, bank debits settling, magic amounts."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from civicdesk.payments.models import Payment, SandboxCheckout
from civicdesk.payments.providers import MandateCharge, ProviderError, get_provider
from civicdesk.payments.providers.sandbox import SandboxProvider
from civicdesk.testing.fixtures import run_worker

from .conftest import pay_form, verify


@pytest.fixture
def webhooks_to_test_client(monkeypatch):
    """The worker's HTTP post of a webhook goes to the Django test client instead of the network."""
    from civicdesk.payments import tasks
    posted = []

    def post(url, body, signature):
        from civicdesk.payments.providers.sandbox import SIGNATURE_HEADER
        response = Client().post(url.removeprefix("https://311.elm.example.gov"), body,
                                 content_type="application/json", headers={SIGNATURE_HEADER: signature})
        posted.append(response.status_code)
        return response.status_code

    monkeypatch.setattr(tasks, "post_webhook", post)
    return posted


@pytest.fixture
def tbill(tworld):
    """The conftest's bill, committed (the worker closes the connection, so these tests use real transactions)."""
    from civicdesk.payments.models import BillKindPolicy

    from .helpers import make_account, make_bill
    account = make_account(tworld.elm, number="W-100-200")
    BillKindPolicy.objects.create(jurisdiction=tworld.elm, kind="water_sewer",
                                  convenience_fees={"card": {"basis_points": 250}})
    return make_bill(account, 5420, number="2026-11")


def to_provider(client, bill, method="card"):
    verify(client, bill.account)
    return client.post(reverse("payments:account", args=[bill.account.pk]), pay_form(bill, method=method)).url


def test_it_refuses_to_work_without_debug_or_the_setting(settings):
    settings.DEBUG = False
    settings.PAYMENTS_SANDBOX_ALLOWED = False
    provider = SandboxProvider()
    assert not provider.is_configured()
    with pytest.raises(ProviderError):
        provider.charge_mandate(MandateCharge("m", "P-1", 100, "usd", "x", "k"))
    settings.DEBUG = True
    assert provider.is_configured()


def test_it_hides_its_page_when_switched_off(client, bill, settings):
    page = to_provider(client, bill)
    settings.PAYMENTS_SANDBOX_ALLOWED = False
    assert client.get(page).status_code == 404


def test_it_posts_a_signed_webhook_through_the_worker(client, tbill, webhooks_to_test_client):
    bill = tbill
    page = to_provider(client, bill)
    client.post(page, {"outcome": "card"})
    run_worker()
    assert webhooks_to_test_client == [200]
    payment = Payment.objects.get()
    assert payment.status == "succeeded" and bill.balance_cents() == 0


def test_it_settles_a_bank_debit_later(client, tbill, webhooks_to_test_client, settings):
    bill = tbill
    settings.PAYMENTS_SANDBOX_BANK_DELAY_SECONDS = 0
    page = to_provider(client, bill, method="us_bank_account")
    client.post(page, {"outcome": "bank"})
    run_worker()
    run_worker()
    assert SandboxCheckout.objects.get().status == "succeeded"
    assert Payment.objects.get().status == "succeeded" and bill.balance_cents() == 0


def test_it_retries_a_webhook_nobody_answered(bill, client, monkeypatch):
    from civicdesk.payments import tasks
    page = to_provider(client, bill)
    client.post(page, {"outcome": "card"})

    def refuse(url, body, signature):
        raise OSError("connection refused")

    monkeypatch.setattr(tasks, "post_webhook", refuse)
    assert tasks.send_sandbox_webhook.call(SandboxCheckout.objects.get().session_id) == "retry"


def test_it_answers_the_same_checkout_for_the_same_key(db):
    from civicdesk.payments.providers import CheckoutRequest
    provider = get_provider("sandbox")
    request = CheckoutRequest(reference="P-X", amount_cents=100, currency="usd", description="d",
                              success_url="/s", cancel_url="/c", idempotency_key="same")
    assert provider.start_checkout(request) == provider.start_checkout(request)
    assert SandboxCheckout.objects.count() == 1


def test_it_debits_mandates_with_magic_amounts(db):
    provider = get_provider("sandbox")
    ok = provider.charge_mandate(MandateCharge("m1", "P-1", 5000, "usd", "Water", "debit:1"))
    assert ok.status == "succeeded"
    assert provider.charge_mandate(MandateCharge("m1", "P-1", 5000, "usd", "Water", "debit:1")) == ok
    with pytest.raises(ProviderError) as soft:
        provider.charge_mandate(MandateCharge("m1", "P-2", 5051, "usd", "Water", "debit:2"))
    assert soft.value.soft is True
    with pytest.raises(ProviderError) as hard:
        provider.charge_mandate(MandateCharge("m1", "P-3", 5052, "usd", "Water", "debit:3"))
    assert hard.value.soft is False


def test_it_refunds_once_per_key(db):
    provider = get_provider("sandbox")
    first = provider.refund("sbx_pi_1", 500, "usd", "refund:1")
    assert first == provider.refund("sbx_pi_1", 500, "usd", "refund:1") and first.status == "succeeded"
