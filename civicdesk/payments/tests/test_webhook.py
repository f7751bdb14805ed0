"""Provider webhooks: signed, de-duplicated, applied once whatever the order; forged ones refused."""

from __future__ import annotations

import json
import time

from django.urls import reverse

from civicdesk.payments.models import JournalEntry, Payment, ProviderEvent, SandboxCheckout
from civicdesk.payments.providers.sandbox import SIGNATURE_HEADER, sign, webhook_body

from .conftest import pay_form, verify

URL = reverse("payments:webhook", args=["sandbox"])


def started(client, bill) -> tuple[Payment, SandboxCheckout]:
    verify(client, bill.account)
    client.post(reverse("payments:account", args=[bill.account.pk]), pay_form(bill))
    return Payment.objects.get(), SandboxCheckout.objects.get()


def deliver(client, body: bytes, signature: str | None = None):
    return client.post(URL, body, content_type="application/json",
                       headers={SIGNATURE_HEADER: signature if signature is not None else sign(body)})


def outcome(checkout, status, method="card"):
    checkout.status, checkout.method, checkout.payment_id = status, method, "sbx_pi_1"
    checkout.save()


def test_it_records_a_payment_from_its_webhook(client, bill):
    payment, checkout = started(client, bill)
    outcome(checkout, "succeeded")
    response = deliver(client, webhook_body(checkout, event_id="evt_1"))
    assert response.status_code == 200 and response.content == b"processed"
    payment.refresh_from_db()
    assert payment.status == "succeeded" and payment.method_label == "Sandbox card ending 4242"
    assert bill.balance_cents() == 0
    assert ProviderEvent.objects.get().processed_at is not None


def test_it_applies_a_duplicate_webhook_once(client, bill):
    payment, checkout = started(client, bill)
    outcome(checkout, "succeeded")
    body = webhook_body(checkout, event_id="evt_dup")
    assert deliver(client, body).content == b"processed"
    assert deliver(client, body).content == b"duplicate"
    again = webhook_body(checkout, event_id="evt_other")  # the same news under another event id
    assert deliver(client, again).content == b"processed"
    assert JournalEntry.objects.filter(payment=payment, kind="payment").count() == 1
    assert bill.balance_cents() == 0


def test_it_ignores_an_older_event_arriving_after_a_newer_one(client, bill):
    payment, checkout = started(client, bill)
    now = int(time.time())
    outcome(checkout, "succeeded", "us_bank_account")
    succeeded = webhook_body(checkout, event_id="evt_2", created=now)
    outcome(checkout, "pending", "us_bank_account")
    pending = webhook_body(checkout, event_id="evt_1", created=now - 60)
    deliver(client, succeeded)
    deliver(client, pending)
    payment.refresh_from_db()
    assert payment.status == "succeeded" and bill.balance_cents() == 0


def test_it_refuses_a_forged_signature(client, bill):
    payment, checkout = started(client, bill)
    outcome(checkout, "succeeded")
    body = webhook_body(checkout, event_id="evt_forged")
    forged = "t=%d,v1=%s" % (int(time.time()), "0" * 64)
    assert deliver(client, body, forged).status_code == 400
    assert deliver(client, body, "").status_code == 400
    assert deliver(client, body, sign(body, int(time.time()) - 3600)).status_code == 400  # replayed, too old
    tampered = body.replace(b'"status":"succeeded"', b'"status":"failed"')
    assert deliver(client, tampered, sign(body)).status_code == 400
    payment.refresh_from_db()
    assert payment.status == "created" and not ProviderEvent.objects.exists()


def test_it_ignores_news_of_a_different_amount(client, bill):
    payment, checkout = started(client, bill)
    outcome(checkout, "succeeded")
    data = json.loads(webhook_body(checkout, event_id="evt_cheap"))
    data["payment"]["amount_cents"] = 1
    deliver(client, json.dumps(data).encode())
    payment.refresh_from_db()
    assert payment.status == "created" and not JournalEntry.objects.filter(kind="payment").exists()


def test_it_marks_a_declined_payment_failed_without_touching_the_ledger(client, bill):
    payment, checkout = started(client, bill)
    outcome(checkout, "failed")
    deliver(client, webhook_body(checkout, event_id="evt_declined"))
    payment.refresh_from_db()
    assert payment.status == "failed" and bill.balance_cents() == 5420


def test_it_answers_404_for_an_unknown_provider(client, db):
    assert client.post(reverse("payments:webhook", args=["nobody"]), b"{}",
                       content_type="application/json").status_code == 404


def test_it_loses_nothing_when_applying_crashes_and_the_provider_retries(client, bill, monkeypatch):
    from civicdesk.payments import ledger
    payment, checkout = started(client, bill)
    outcome(checkout, "succeeded")
    body = webhook_body(checkout, event_id="evt_retry")
    real = ledger.record_payment

    def crash(*args, **kwargs):
        raise RuntimeError("worker died between the provider's answer and our commit")

    monkeypatch.setattr(ledger, "record_payment", crash)
    client.raise_request_exception = False
    assert deliver(client, body).status_code == 500
    payment.refresh_from_db()
    assert payment.status == "created" and not ProviderEvent.objects.exists()  # all rolled back together
    monkeypatch.setattr(ledger, "record_payment", real)
    assert deliver(client, body).content == b"processed"
    assert JournalEntry.objects.filter(payment=payment, kind="payment").count() == 1 and bill.balance_cents() == 0
