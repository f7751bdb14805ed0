"""The Stripe adapter against the local Stripe stand-in: hosted checkout, bank debits, autopay debits, refunds,
idempotent replays, errors, signed webhooks, and that no card or bank number reaches a log."""

from __future__ import annotations

import dataclasses
import json
import logging
import time
from pathlib import Path

import pytest
import requests
from django.test import RequestFactory
from django.utils import translation

from civicdesk.payments.providers import get_provider
from civicdesk.payments.providers.base import (
    CheckoutRequest,
    InvalidSignature,
    MandateCharge,
    ProviderError,
)
from civicdesk.payments.providers.stripe import StripeProvider, decline_is_soft
from civicdesk.payments.testing.stripe_standin import sign

DOCUMENTED_EVENTS = json.loads((Path(__file__).parent / "documented_events.json").read_text())

WATER_BILL = CheckoutRequest(
    reference="PAY-WATER1", amount_cents=4250, currency="usd", description="Water and sewer, November",
    success_url="https://city.example/pay/PAY-WATER1/done", cancel_url="https://city.example/pay/PAY-WATER1",
    idempotency_key="checkout-PAY-WATER1-1", methods=("card", "us_bank_account"))


def pay_on_hosted_page(url: str, **form) -> requests.Response:
    """What a resident's browser does on Stripe's page: submit the form (the stand-in's field names)."""
    return requests.post(url, data=form, allow_redirects=False, timeout=10)


def pay_by_card(url: str, number: str = "4242 4242 4242 4242") -> requests.Response:
    return pay_on_hosted_page(url, method="card", card_number=number, expiry="12 / 34", cvc="123",
                              name="Alice Resident")


def pay_by_bank(url: str, account: str = "000123456789") -> requests.Response:
    return pay_on_hosted_page(url, method="us_bank_account", routing_number="110000000", account_number=account,
                              name="Alice Resident")


def api_posts(standin, path: str) -> list[dict]:
    return [r for r in standin.requests if r["method"] == "POST" and r["path"] == path]


def test_it_is_the_adapter_registered_as_stripe_and_needs_both_secrets(settings):
    settings.STRIPE_SECRET_KEY, settings.STRIPE_WEBHOOK_SECRET = "sk_test_x", ""
    get_provider.cache_clear()
    try:
        assert isinstance(get_provider("stripe"), StripeProvider) and get_provider("stripe").name == "stripe"
        settings.PAYMENT_PROVIDER = "sandbox"
        assert get_provider().name == "sandbox"
        settings.PAYMENT_PROVIDER = "stripe"  # the default follows the setting, not the first call
        assert isinstance(get_provider(), StripeProvider)
    finally:
        get_provider.cache_clear()
    assert not StripeProvider().is_configured()
    settings.STRIPE_WEBHOOK_SECRET = "whsec_x"
    assert StripeProvider().is_configured()
    assert StripeProvider.methods == ("card", "us_bank_account")


# -- checkout ---------------------------------------------------------------------------------------------------

def test_it_starts_a_hosted_checkout_that_carries_our_reference_everywhere(provider, standin):
    session = provider.start_checkout(WATER_BILL)

    assert session.session_id.startswith("cs_test_")
    assert session.redirect_url == f"{standin.url}/c/pay/{session.session_id}"
    [sent] = api_posts(standin, "/v1/checkout/sessions")
    assert sent["idempotency_key"] == "checkout-PAY-WATER1-1"
    params = sent["params"]
    assert params["mode"] == "payment"
    assert params["payment_method_types"] == ["card", "us_bank_account"]
    assert params["client_reference_id"] == "PAY-WATER1"
    assert params["metadata"] == {"reference": "PAY-WATER1"}
    assert params["payment_intent_data"]["metadata"] == {"reference": "PAY-WATER1"}
    assert params["line_items"] == [{"quantity": "1", "price_data": {
        "currency": "usd", "unit_amount": "4250", "product_data": {"name": "Water and sewer, November"}}}]
    assert "setup_future_usage" not in params["payment_intent_data"]
    assert params["success_url"] == WATER_BILL.success_url and params["cancel_url"] == WATER_BILL.cancel_url


def test_it_gets_the_same_session_back_when_the_same_checkout_is_asked_twice(provider, standin):
    first = provider.start_checkout(WATER_BILL)
    again = provider.start_checkout(WATER_BILL)

    assert again == first
    assert len([obj for obj in standin.objects.values() if obj["object"] == "checkout.session"]) == 1


def test_it_refuses_to_reuse_a_key_for_a_different_checkout(provider):
    provider.start_checkout(WATER_BILL)

    with pytest.raises(ProviderError) as refused:
        provider.start_checkout(dataclasses.replace(WATER_BILL, amount_cents=9999))
    assert refused.value.code == "idempotency_error" and not refused.value.soft


def test_it_asks_stripe_to_keep_the_method_for_autopay(provider, standin):
    provider.start_checkout(dataclasses.replace(WATER_BILL, save_for_autopay=True,
                                                customer_email="alice@example.org"))

    [sent] = api_posts(standin, "/v1/checkout/sessions")
    assert sent["params"]["payment_intent_data"]["setup_future_usage"] == "off_session"
    assert sent["params"]["customer_creation"] == "always"
    assert sent["params"]["customer_email"] == "alice@example.org"


def test_it_refuses_a_method_stripe_does_not_collect_for_us(provider, standin):
    with pytest.raises(ProviderError) as refused:
        provider.start_checkout(dataclasses.replace(WATER_BILL, methods=("card", "cash")))
    assert refused.value.code == "method_not_supported" and not standin.requests


def test_it_reads_a_checkout_not_yet_paid_as_pending(provider):
    session = provider.start_checkout(WATER_BILL)

    payment = provider.fetch_checkout(session.session_id)

    assert (payment.reference, payment.status, payment.amount_cents, payment.currency) == (
        "PAY-WATER1", "pending", 4250, "usd")
    assert payment.session_id == session.session_id and payment.provider_payment_id == ""


def test_it_reads_a_paid_card_checkout_with_a_label_safe_to_show(provider, standin):
    session = provider.start_checkout(dataclasses.replace(WATER_BILL, save_for_autopay=True))

    answer = pay_by_card(session.redirect_url, "5555 5555 5555 4444")
    payment = provider.fetch_checkout(session.session_id)

    assert answer.status_code == 303 and answer.headers["Location"] == WATER_BILL.success_url
    assert payment.status == "succeeded" and payment.provider_payment_id.startswith("pi_")
    assert (payment.method, payment.method_label) == ("card", "Mastercard ending 4444")
    customer, pm = payment.mandate_ref.split("/")
    assert customer.startswith("cus_") and pm.startswith("pm_")
    [retrieve] = [r for r in standin.requests if r["method"] == "GET"]
    assert retrieve["params"]["expand"] == ["payment_intent", "payment_intent.payment_method"]


def test_it_keeps_no_mandate_when_autopay_was_not_asked_for(provider):
    session = provider.start_checkout(WATER_BILL)
    pay_by_card(session.redirect_url)

    assert provider.fetch_checkout(session.session_id).mandate_ref == ""


def test_it_leaves_a_declined_card_checkout_open_for_another_try(provider):
    session = provider.start_checkout(WATER_BILL)

    answer = pay_by_card(session.redirect_url, "4000 0000 0000 9995")

    assert answer.status_code == 200 and "Your card has insufficient funds." in answer.text
    assert provider.fetch_checkout(session.session_id).status == "pending"
    pay_by_card(session.redirect_url)
    assert provider.fetch_checkout(session.session_id).status == "succeeded"


def test_it_follows_a_bank_debit_from_processing_to_paid(provider, standin):
    session = provider.start_checkout(dataclasses.replace(WATER_BILL, methods=("us_bank_account",)))

    pay_by_bank(session.redirect_url)
    processing = provider.fetch_checkout(session.session_id)
    standin.settle(processing.provider_payment_id)
    paid = provider.fetch_checkout(session.session_id)

    assert processing.status == "pending"
    assert (processing.method, processing.method_label) == ("us_bank_account", "Stripe Test Bank account ending 6789")
    assert paid.status == "succeeded" and paid.provider_payment_id == processing.provider_payment_id
    kinds = [event["type"] for event in standin.events]
    assert kinds == ["payment_intent.processing", "checkout.session.completed", "payment_intent.succeeded",
                     "checkout.session.async_payment_succeeded"]
    assert standin.events[1]["data"]["object"]["payment_status"] == "unpaid"


@pytest.mark.parametrize(("account", "code", "hard"), [("000222222227", "insufficient_funds", False),
                                                       ("000111111113", "bank_account_closed", True),
                                                       ("000333333335", "debit_not_authorized", True)])
def test_it_reads_a_failed_bank_debit_with_its_code(provider, standin, account, code, hard):
    session = provider.start_checkout(dataclasses.replace(WATER_BILL, methods=("us_bank_account",)))
    pay_by_bank(session.redirect_url, account)
    standin.settle(provider.fetch_checkout(session.session_id).provider_payment_id)

    failed = provider.fetch_checkout(session.session_id)

    assert (failed.status, failed.failure_code, failed.failure_is_hard) == ("failed", code, hard)
    assert standin.events[-1]["type"] == "checkout.session.async_payment_failed"


def test_it_reads_an_expired_checkout_as_cancelled(provider, standin):
    session = provider.start_checkout(WATER_BILL)

    standin.expire(session.session_id)

    assert provider.fetch_checkout(session.session_id).status == "cancelled"
    assert standin.events[-1]["type"] == "checkout.session.expired"


# -- autopay ----------------------------------------------------------------------------------------------------

def autopay(mandate_ref: str, key: str = "autopay-bill-77-1", amount: int = 6100) -> MandateCharge:
    return MandateCharge(mandate_ref=mandate_ref, reference="PAY-AUTO77", amount_cents=amount, currency="usd",
                         description="Autopay: water bill", idempotency_key=key)


def saved_card(provider, standin) -> str:
    session = provider.start_checkout(dataclasses.replace(WATER_BILL, save_for_autopay=True))
    pay_by_card(session.redirect_url)
    return provider.fetch_checkout(session.session_id).mandate_ref


def test_it_debits_a_card_saved_at_checkout(provider, standin):
    mandate = saved_card(provider, standin)

    payment = provider.charge_mandate(autopay(mandate))

    assert (payment.status, payment.reference, payment.amount_cents) == ("succeeded", "PAY-AUTO77", 6100)
    assert (payment.method_label, payment.mandate_ref) == ("Visa ending 4242", mandate)
    [sent] = api_posts(standin, "/v1/payment_intents")
    customer, pm = mandate.split("/")
    assert sent["idempotency_key"] == "autopay-bill-77-1"
    assert {name: sent["params"][name] for name in ("customer", "payment_method", "off_session", "confirm",
                                                     "payment_method_types", "metadata")} == {
        "customer": customer, "payment_method": pm, "off_session": "true", "confirm": "true",
        "payment_method_types": ["card"], "metadata": {"reference": "PAY-AUTO77"}}


def test_it_never_debits_twice_for_the_same_key(provider, standin):
    mandate = saved_card(provider, standin)

    first = provider.charge_mandate(autopay(mandate))
    again = provider.charge_mandate(autopay(mandate))

    assert again == first
    intents = [obj for obj in standin.objects.values() if obj["object"] == "payment_intent"]
    assert len(intents) == 2  # the checkout's and one debit


def test_it_reports_a_bank_debit_as_pending_until_it_settles(provider, standin):
    payment = provider.charge_mandate(autopay("cus_CivicDesk/pm_usBankAccount_success"))

    assert (payment.status, payment.method) == ("pending", "us_bank_account")
    assert standin.events[-1]["type"] == "payment_intent.processing"


@pytest.mark.parametrize(("method", "code", "soft"), [
    ("pm_card_visa_chargeDeclinedInsufficientFunds", "insufficient_funds", True),
    ("pm_card_visa_chargeDeclinedLostCard", "lost_card", False),
    ("pm_card_visa_chargeDeclinedStolenCard", "stolen_card", False),
    ("pm_card_chargeDeclinedExpiredCard", "expired_card", False),
    ("pm_card_visa_chargeDeclined", "generic_decline", False),
    ("pm_card_authenticationRequired", "authentication_required", False),
])
def test_it_says_whether_a_declined_debit_may_be_retried(provider, standin, method, code, soft):
    with pytest.raises(ProviderError) as declined:
        provider.charge_mandate(autopay(f"cus_CivicDesk/{method}"))

    assert (declined.value.code, declined.value.soft) == (code, soft)
    with pytest.raises(ProviderError) as replayed:  # the same key gets the same answer, no second attempt
        provider.charge_mandate(autopay(f"cus_CivicDesk/{method}"))
    assert replayed.value.code == code
    assert len([obj for obj in standin.objects.values() if obj["object"] == "payment_intent"]) == 1


@pytest.mark.parametrize(("language", "words"), [
    ("en", "The account does not have enough money for this payment."),
    ("es", "La cuenta no tiene dinero suficiente para este pago."),
    ("ar", "لا يوجد في الحساب مال كافٍ لهذه الدفعة."),
])
def test_it_explains_a_decline_in_the_residents_language(provider, language, words):
    with translation.override(language), pytest.raises(ProviderError) as declined:
        provider.charge_mandate(autopay("cus_CivicDesk/pm_card_visa_chargeDeclinedInsufficientFunds"))

    assert str(declined.value) == words


def test_it_stops_on_a_mandate_that_is_not_stripes_or_a_method_that_is_gone(provider):
    with pytest.raises(ProviderError) as foreign:
        provider.charge_mandate(autopay("sandbox-mandate-1"))
    with pytest.raises(ProviderError) as gone:
        provider.charge_mandate(autopay("cus_CivicDesk/pm_doesnotexist"))

    assert (foreign.value.code, foreign.value.soft) == ("invalid_mandate", False)
    assert (gone.value.code, gone.value.soft) == ("resource_missing", False)


def test_it_classifies_codes_by_the_most_specific_one_it_knows():
    assert decline_is_soft("try_again_later", "do_not_honor")
    assert not decline_is_soft("do_not_try_again", "insufficient_funds")
    assert decline_is_soft(None, "insufficient_funds", "card_declined")
    assert not decline_is_soft(None, "something_new", "card_declined")


# -- refunds ----------------------------------------------------------------------------------------------------

def paid_by_card(provider, key: str = "checkout-1") -> str:
    session = provider.start_checkout(dataclasses.replace(WATER_BILL, idempotency_key=key))
    pay_by_card(session.redirect_url)
    return provider.fetch_checkout(session.session_id).provider_payment_id


def test_it_refunds_part_then_the_rest(provider, standin):
    intent = paid_by_card(provider)

    part = provider.refund(intent, 1000, "usd", "refund-1")
    rest = provider.refund(intent, 3250, "usd", "refund-2")

    assert (part.status, part.amount_cents, part.provider_payment_id) == ("succeeded", 1000, intent)
    assert (rest.status, rest.amount_cents) == ("succeeded", 3250) and rest.provider_refund_id.startswith("re_")
    assert [r["params"] for r in api_posts(standin, "/v1/refunds")] == [
        {"payment_intent": intent, "amount": "1000"}, {"payment_intent": intent, "amount": "3250"}]
    with pytest.raises(ProviderError) as nothing_left:
        provider.refund(intent, 1, "usd", "refund-3")
    assert (nothing_left.value.code, nothing_left.value.soft) == ("charge_already_refunded", False)


def test_it_refunds_once_for_the_same_key(provider, standin):
    intent = paid_by_card(provider)

    first = provider.refund(intent, 4250, "usd", "refund-1")
    again = provider.refund(intent, 4250, "usd", "refund-1")

    assert again == first
    assert len([obj for obj in standin.objects.values() if obj["object"] == "refund"]) == 1


def test_it_refuses_to_refund_more_than_is_left(provider):
    intent = paid_by_card(provider)

    with pytest.raises(ProviderError) as refused:
        provider.refund(intent, 5000, "usd", "refund-1")

    assert refused.value.code == "amount_too_large" and not refused.value.soft
    assert "greater than unrefunded amount" in str(refused.value)


def test_it_reports_a_bank_debit_refund_as_pending(provider, standin):
    payment = provider.charge_mandate(autopay("cus_CivicDesk/pm_usBankAccount_success"))
    standin.settle(payment.provider_payment_id)

    assert provider.refund(payment.provider_payment_id, 6100, "usd", "refund-1").status == "pending"


# -- when Stripe cannot be used ---------------------------------------------------------------------------------

def test_it_treats_an_unreachable_stripe_as_a_soft_error(provider, standin, settings):
    standin.stop()

    with pytest.raises(ProviderError) as unreachable:
        provider.start_checkout(WATER_BILL)

    assert unreachable.value.soft and unreachable.value.code


def test_it_treats_a_wrong_key_as_our_problem_and_not_the_residents(provider, settings):
    settings.STRIPE_SECRET_KEY = "sk_test_wrong"

    with pytest.raises(ProviderError) as refused:
        provider.charge_mandate(autopay("cus_CivicDesk/pm_card_visa"))

    assert (refused.value.code, refused.value.soft) == ("authentication_error", True)


def test_it_calls_nothing_without_a_key(provider, settings):
    settings.STRIPE_SECRET_KEY = ""

    with pytest.raises(ProviderError) as refused:
        provider.start_checkout(WATER_BILL)

    assert (refused.value.code, refused.value.soft) == ("not_configured", True)


# -- webhooks ---------------------------------------------------------------------------------------------------

def test_it_accepts_a_correctly_signed_event_from_django_request_headers(provider, standin):
    body, headers = standin.signed_event("customer.created", {"id": "cus_1", "object": "customer"})
    request = RequestFactory().post("/payments/webhooks/stripe/", data=body, content_type="application/json",
                                    HTTP_STRIPE_SIGNATURE=headers["Stripe-Signature"])

    event = provider.parse_webhook(request.body, request.headers)

    assert event.kind == "ignored" and event.event_id.startswith("evt_") and event.created > 0
    assert provider.parse_webhook(request.body, request.META).event_id == event.event_id


@pytest.mark.parametrize("attack", ["forged", "wrong secret", "stale", "missing", "tampered", "not json"])
def test_it_refuses_an_event_it_cannot_trust(provider, standin, attack):
    body, headers = standin.signed_event("payment_intent.succeeded",
                                         DOCUMENTED_EVENTS["payment_intent.succeeded"]["data"]["object"])
    if attack == "forged":
        headers = {"Stripe-Signature": f"t={int(time.time())},v1={'0' * 64}"}
    elif attack == "wrong secret":
        headers = {"Stripe-Signature": sign(body, "whsec_someone_else")}
    elif attack == "stale":
        headers = {"Stripe-Signature": sign(body, "whsec_civicdesk", int(time.time()) - 301)}
    elif attack == "missing":
        headers = {}
    elif attack == "tampered":
        body = body.replace(b'"amount": 4250', b'"amount": 1')
    elif attack == "not json":
        body = b"{not json"
        headers = {"Stripe-Signature": sign(body, "whsec_civicdesk")}

    with pytest.raises(InvalidSignature):
        provider.parse_webhook(body, headers)


def test_it_refuses_every_event_while_no_webhook_secret_is_set(provider, standin, settings):
    body, headers = standin.signed_event("customer.created", {"id": "cus_1", "object": "customer"})
    settings.STRIPE_WEBHOOK_SECRET = ""

    with pytest.raises(InvalidSignature):
        provider.parse_webhook(body, headers)


def documented(name: str) -> tuple[bytes, dict]:
    body = json.dumps(DOCUMENTED_EVENTS[name]).encode()
    return body, {"Stripe-Signature": sign(body, "whsec_civicdesk")}


@pytest.mark.parametrize(("name", "reference", "status", "payment_id"), [
    ("checkout.session.completed", "PAY-7KX2", "succeeded", "pi_3CivicDeskCard"),
    ("checkout.session.completed (bank debit, unpaid)", "PAY-ACH1", "pending", "pi_3CivicDeskAch"),
    ("checkout.session.async_payment_succeeded", "PAY-ACH1", "succeeded", "pi_3CivicDeskAch"),
    ("checkout.session.async_payment_failed", "PAY-ACH1", "failed", "pi_3CivicDeskAch"),
    ("checkout.session.expired", "PAY-GONE", "cancelled", ""),
    ("payment_intent.succeeded", "PAY-7KX2", "succeeded", "pi_3CivicDeskCard"),
    ("payment_intent.payment_failed", "PAY-AUTO9", "failed", "pi_3CivicDeskAutopay"),
])
def test_it_reads_documented_payment_events(provider, name, reference, status, payment_id):
    event = provider.parse_webhook(*documented(name))

    assert (event.kind, event.event_id, event.created) == (
        "payment", DOCUMENTED_EVENTS[name]["id"], DOCUMENTED_EVENTS[name]["created"])
    payment = event.payment
    assert (payment.reference, payment.status, payment.provider_payment_id) == (reference, status, payment_id)
    assert payment.amount_cents == DOCUMENTED_EVENTS[name]["data"]["object"].get(
        "amount_total", DOCUMENTED_EVENTS[name]["data"]["object"].get("amount"))


def test_it_reads_a_documented_decline_as_hard_with_its_code(provider):
    payment = provider.parse_webhook(*documented("payment_intent.payment_failed")).payment

    assert (payment.failure_code, payment.failure_is_hard) == ("stolen_card", True)


def test_it_reads_documented_refund_events(provider):
    partial = provider.parse_webhook(*documented("charge.refunded")).refund
    settled = provider.parse_webhook(*documented("refund.updated")).refund

    assert (partial.provider_refund_id, partial.provider_payment_id, partial.status, partial.amount_cents) == (
        "re_3CivicDeskPartial", "pi_3CivicDeskCard", "succeeded", 1000)
    assert (settled.provider_refund_id, settled.provider_payment_id, settled.status, settled.amount_cents) == (
        "re_3CivicDeskAchRefund", "pi_3CivicDeskAch", "succeeded", 9900)


def test_it_ignores_events_it_does_not_use(provider):
    event = provider.parse_webhook(*documented("customer.created"))

    assert (event.kind, event.payment, event.refund, event.payout_id) == ("ignored", None, None, "")


def test_it_reads_the_stand_ins_own_events_with_the_method_label(provider, standin):
    session = provider.start_checkout(dataclasses.replace(WATER_BILL, save_for_autopay=True))
    pay_by_card(session.redirect_url)
    completed = next(event for event in standin.events if event["type"] == "checkout.session.completed")
    body = json.dumps(completed).encode()

    payment = provider.parse_webhook(body, {"Stripe-Signature": sign(body, "whsec_civicdesk")}).payment

    assert (payment.reference, payment.status, payment.method_label) == ("PAY-WATER1", "succeeded",
                                                                         "Visa ending 4242")
    assert payment.mandate_ref.startswith("cus_") and payment.session_id == session.session_id


def test_it_lists_the_payments_a_payout_carried(provider, standin):
    first, second = paid_by_card(provider, "checkout-1"), paid_by_card(provider, "checkout-2")
    provider.refund(first, 250, "usd", "refund-1")
    payout = standin.pay_out()
    body = json.dumps(standin.events[-1]).encode()

    event = provider.parse_webhook(body, {"Stripe-Signature": sign(body, "whsec_civicdesk")})

    fees = 2 * (round(4250 * 0.029) + 30)  # card pricing, kept back by Stripe; the refund's fee is not returned
    assert (event.kind, event.payout_id, event.payout_amount_cents, event.payout_fee_cents, event.payout_currency) == (
        "payout", payout["id"], 2 * 4250 - 250 - fees, fees, "usd")
    assert sorted(event.payout_payment_ids) == sorted([first, second])


# -- privacy ----------------------------------------------------------------------------------------------------

def test_it_logs_no_card_or_bank_number(provider, standin, caplog):
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="stripe")  # even the library's debug logs of whole API answers
    session = provider.start_checkout(dataclasses.replace(WATER_BILL, save_for_autopay=True))
    pay_by_card(session.redirect_url, "4000 0000 0000 9995")  # declined first, then paid
    pay_by_card(session.redirect_url, "4242424242424242")
    payment = provider.fetch_checkout(session.session_id)
    provider.charge_mandate(autopay(payment.mandate_ref))
    provider.refund(payment.provider_payment_id, 100, "usd", "refund-1")
    bank = provider.start_checkout(dataclasses.replace(WATER_BILL, idempotency_key="checkout-2"))
    pay_by_bank(bank.redirect_url, "000123456789")
    for event in standin.events:
        body = json.dumps(event).encode()
        provider.parse_webhook(body, {"Stripe-Signature": sign(body, "whsec_civicdesk")})

    logged = caplog.text + json.dumps(standin.requests)
    assert "API response body" in caplog.text and "last4" in caplog.text  # whole answers were logged
    kept = json.dumps(standin.objects)  # the stand-in, like Stripe's answers, shows the last four digits only
    for number in ("4242424242424242", "4242 4242 4242 4242", "4000000000009995", "000123456789"):
        assert number not in logged and number not in kept
