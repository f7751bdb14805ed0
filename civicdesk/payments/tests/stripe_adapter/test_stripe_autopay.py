"""Autopay through the Stripe adapter against the local stand-in: the off-session debit of a saved card is sent
with the stored idempotency key, and a worker killed after Stripe's answer is recovered without a second charge."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from django.utils import timezone

from civicdesk.payments import autopay
from civicdesk.payments.models import AutopayDebit, AutopayMandate, JournalEntry
from civicdesk.payments.providers import get_provider
from civicdesk.payments.tests.helpers import make_bill

from .test_stripe_provider import WATER_BILL, api_posts, pay_by_bank, pay_by_card

pytestmark = pytest.mark.django_db
DUE = dt.date(2026, 11, 20)


def at(day: dt.date, hour: int = 12) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def test_it_debits_a_saved_card_once_even_when_the_worker_dies_after_stripes_answer(
        provider, standin, world, account, monkeypatch):
    get_provider.cache_clear()
    session = provider.start_checkout(dataclasses.replace(WATER_BILL, save_for_autopay=True))
    pay_by_card(session.redirect_url)
    mandate_ref = provider.fetch_checkout(session.session_id).mandate_ref
    mandate = AutopayMandate.objects.create(account=account, user=world.alice, provider="stripe",
                                            mandate_ref=mandate_ref, mandate_text="I authorise Elm…",
                                            consented_at=at(dt.date(2026, 10, 1)))
    bill = make_bill(account, 6100, issued_on=DUE - dt.timedelta(days=14), due_in_days=14)
    autopay.run_autopay(at(DUE - dt.timedelta(days=3)))
    monkeypatch.setattr(autopay, "_succeeded", lambda *a, **k: (_ for _ in ()).throw(SystemExit("killed")))
    with pytest.raises(SystemExit):
        autopay.run_autopay(at(DUE))
    monkeypatch.undo()
    autopay.run_autopay(at(DUE, 13))

    debit = AutopayDebit.objects.get()
    assert debit.state == AutopayDebit.State.SUCCEEDED and debit.mandate == mandate
    first, again = api_posts(standin, "/v1/payment_intents")
    assert first["idempotency_key"] == again["idempotency_key"] == debit.attempt_key
    intents = [obj for obj in standin.objects.values() if obj["object"] == "payment_intent"
               and obj.get("metadata", {}).get("reference") == debit.payment.reference]
    assert len(intents) == 1 and debit.payment.provider_payment_id == intents[0]["id"]
    assert JournalEntry.objects.filter(kind="payment", payment=debit.payment).count() == 1
    assert bill.balance_cents() == 0


def test_it_saves_a_card_in_setup_mode_and_debits_it_off_session(provider, standin):
    from civicdesk.payments.providers import MandateCharge, SetupRequest

    setup = SetupRequest(reference="setup-token-1", description="Autopay", idempotency_key="autopay-setup:tok1",
                         success_url="https://city.example/autopay/back", cancel_url="https://city.example/autopay",
                         customer_email="alice@example.org", methods=("card",))
    session = provider.start_mandate_setup(setup)
    assert provider.start_mandate_setup(setup).session_id == session.session_id  # same keys, same session
    assert provider.fetch_mandate_setup(session.session_id).status == "open"
    [customer, again] = api_posts(standin, "/v1/customers")
    assert customer["idempotency_key"] == again["idempotency_key"] == "autopay-setup:tok1:customer"
    sent = api_posts(standin, "/v1/checkout/sessions")[0]
    assert sent["params"]["mode"] == "setup" and sent["idempotency_key"] == "autopay-setup:tok1"
    assert "line_items" not in sent["params"]

    pay_by_card(session.redirect_url)

    saved = provider.fetch_mandate_setup(session.session_id)
    assert saved.status == "saved" and saved.method_label == "Visa ending 4242"
    assert saved.mandate_ref.startswith("cus_") and "/pm_" in saved.mandate_ref
    debit = provider.charge_mandate(MandateCharge(mandate_ref=saved.mandate_ref, reference="P-SETUP1",
                                                  amount_cents=2500, currency="usd", description="Autopay",
                                                  idempotency_key="autopay:9:1"))
    assert (debit.status, debit.amount_cents) == ("succeeded", 2500)


def test_a_resident_enrols_with_stripe_checkout_in_setup_mode(provider, standin, world, account, settings):
    from civicdesk.payments.models import AccountLink

    settings.PAYMENT_PROVIDER = "stripe"
    get_provider.cache_clear()
    AccountLink.objects.create(user=world.alice, account=account)
    setup, url = autopay.start_enrolment(user=world.alice, account=account, consent=True, client="203.0.113.4",
                                         user_agent="TestBrowser", language="en")
    assert url.startswith(standin.url)
    assert autopay.complete_enrolment(setup) is None  # not saved yet
    pay_by_bank(url)  # autopay saves a bank account (ACH debit)
    mandate = autopay.complete_enrolment(setup)
    assert mandate.provider == "stripe" and mandate.method_label.endswith("account ending 6789")
    assert mandate.mandate_ref.startswith("cus_") and mandate.mandate_text == setup.mandate_text
