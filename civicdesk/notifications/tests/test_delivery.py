"""The Delivery model: its Message-ID, its back-off, and the one-row-per-occurrence constraint."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError

from civicdesk.notifications.models import Delivery, WebhookEndpoint


def make(**fields) -> Delivery:
    return Delivery.objects.create(**{"channel": "email", "address": "ana@example.org", "event": "x",
                                      "key": "timeline:1", **fields})


def test_it_keeps_one_message_id_per_delivery_on_every_attempt(db, settings):
    settings.SITE_URL = "https://311.elm.example.gov"
    first, second = make(), make(address="zed@example.org")

    assert first.message_id() == Delivery.objects.get(pk=first.pk).message_id()
    assert first.message_id() != second.message_id()
    assert first.message_id().startswith(f"<notification.{first.pk}.")
    assert first.message_id().endswith("@311.elm.example.gov>")


def test_it_refuses_a_second_row_for_the_same_occurrence_address_and_channel(db):
    make()
    make(channel="sms", address="+15551234567")
    make(key="timeline:2")
    with pytest.raises(IntegrityError):
        make()


def test_it_doubles_the_wait_after_each_failed_attempt_up_to_six_hours(settings):
    settings.NOTIFICATIONS_RETRY_BASE_SECONDS = 60
    waits = [Delivery(attempts=n).retry_delay() for n in (1, 2, 3, 4, 20)]
    assert waits == [timedelta(minutes=1), timedelta(minutes=2), timedelta(minutes=4), timedelta(minutes=8),
                     timedelta(hours=6)]


def test_a_webhook_endpoint_wants_its_events_or_all_of_them():
    assert WebhookEndpoint(events=["request.received"]).wants("request.received")
    assert not WebhookEndpoint(events=["request.received"]).wants("request.status_changed")
    assert WebhookEndpoint(events=[]).wants("anything") and WebhookEndpoint(events=["*"]).wants("anything")
