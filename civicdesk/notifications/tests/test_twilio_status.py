"""Twilio's delivery receipts (StatusCallback): signature-checked, applied to the Delivery they name."""

from __future__ import annotations

import pytest
from django.urls import reverse

from civicdesk.notifications.models import Delivery, Suppression
from civicdesk.notifications.transports.sms import twilio_signature


@pytest.fixture
def sent_text(db, settings):
    settings.TWILIO_AUTH_TOKEN = "secret-token"
    return Delivery.objects.create(channel="sms", address="+15551234567", event="request.status_changed",
                                   key="timeline:1", body_text="Fixed.", status=Delivery.Status.SENT,
                                   provider_id="SM0001")


def post_receipt(client, settings, params: dict[str, str], *, token: str = "secret-token"):
    path = reverse("notifications:twilio_status")
    signature = twilio_signature(settings.SITE_URL + path, params, token)
    return client.post(path, params, HTTP_X_TWILIO_SIGNATURE=signature)


def test_it_records_that_the_text_was_delivered(client, settings, sent_text):
    response = post_receipt(client, settings, {"MessageSid": "SM0001", "MessageStatus": "delivered",
                                               "AccountSid": "AC0123"})

    assert response.status_code == 204
    sent_text.refresh_from_db()
    assert sent_text.receipt == "delivered" and sent_text.status == Delivery.Status.SENT


def test_it_fails_an_undelivered_text_and_suppresses_an_unreachable_number(client, settings, sent_text):
    post_receipt(client, settings, {"MessageSid": "SM0001", "MessageStatus": "undelivered", "ErrorCode": "30003"})

    sent_text.refresh_from_db()
    assert sent_text.status == Delivery.Status.FAILED and "30003" in sent_text.error
    assert Suppression.objects.get().reason == "bounced"


def test_it_keeps_the_number_after_a_failure_that_is_not_about_it(client, settings, sent_text):
    post_receipt(client, settings, {"MessageSid": "SM0001", "MessageStatus": "failed", "ErrorCode": "30001"})

    sent_text.refresh_from_db()
    assert sent_text.status == Delivery.Status.FAILED and not Suppression.objects.exists()


def test_it_refuses_a_receipt_with_a_wrong_signature(client, settings, sent_text):
    response = post_receipt(client, settings, {"MessageSid": "SM0001", "MessageStatus": "undelivered"},
                            token="guessed")

    assert response.status_code == 403
    sent_text.refresh_from_db()
    assert sent_text.receipt == "" and sent_text.status == Delivery.Status.SENT


def test_it_ignores_a_receipt_for_a_message_it_does_not_know(client, settings, sent_text):
    assert post_receipt(client, settings, {"MessageSid": "SM9999", "MessageStatus": "delivered"}).status_code == 204
    sent_text.refresh_from_db()
    assert sent_text.receipt == ""
