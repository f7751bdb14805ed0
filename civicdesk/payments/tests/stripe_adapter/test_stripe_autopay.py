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

from .test_stripe_provider import WATER_BILL, api_posts, pay_by_card

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
