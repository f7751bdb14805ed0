"""SMS toll fraud through phone verification: limits per number, per client and overall; numbers never texted."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from civicdesk.accounts.models import User
from civicdesk.notifications import sms_limits
from civicdesk.notifications.models import Delivery, SmsMessage, SmsPolicy
from civicdesk.subscriptions import services
from civicdesk.subscriptions.models import PhoneVerification
from civicdesk.testing.fixtures import run_worker

ADD = reverse("subscriptions:add_phone")
REFUSED = Path(__file__).resolve().parents[2] / "lib" / "data" / "sms_refused_numbers.csv"


def _refused_numbers() -> list[str]:
    with open(REFUSED, encoding="utf-8") as handle:
        return [row["number"] for row in csv.DictReader(line for line in handle if not line.startswith("#"))]


def _throwaway_account(n: int) -> User:
    return User.objects.create_user(email=f"throwaway{n}@example.net", password="correct horse battery",
                                    email_verified_at=timezone.now())


def test_it_stops_throwaway_accounts_texting_one_number_again_and_again(client, db):
    statuses = []
    for n in range(3):
        client.force_login(_throwaway_account(n))
        statuses += [client.post(ADD, {"phone": "(217) 555-0142"}).status_code for _ in range(5)]
    assert statuses.count(302) == 3  # SMS_CODES_PER_NUMBER_PER_HOUR
    assert PhoneVerification.objects.filter(phone="+12175550142").count() == 3
    refused = client.post(ADD, {"phone": "217.555.0142"})
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "Too many codes have been sent to this number" in refused.content.decode()


def test_it_limits_codes_asked_for_from_one_client_address(client, db):
    sent = 0
    for n in range(12):
        client.force_login(_throwaway_account(n))
        sent += client.post(ADD, {"phone": f"217-555-01{n:02d}"}, REMOTE_ADDR="203.0.113.50").status_code == 302
    assert sent == 10  # SMS_CODES_PER_CLIENT_PER_HOUR
    client.force_login(_throwaway_account(99))
    assert client.post(ADD, {"phone": "217-555-0199"}, REMOTE_ADDR="198.51.100.8").status_code == 302


@pytest.mark.parametrize("number", _refused_numbers())
def test_it_never_sends_a_code_to_premium_satellite_or_foreign_numbers(client, db, number):
    client.force_login(_throwaway_account(1))
    response = client.post(ADD, {"phone": number})
    assert response.status_code == 400
    assert "Enter a mobile number we can text" in response.content.decode() or \
        "at most 32 characters" in response.content.decode()
    assert not PhoneVerification.objects.exists() and not Delivery.objects.exists()


def test_it_asks_for_a_confirmed_email_before_texting(client, db):
    user = User.objects.create_user(email="new@example.net", password="correct horse battery")
    client.force_login(user)
    response = client.post(ADD, {"phone": "217-555-0142"})
    assert response.status_code == 400 and "First confirm your email address" in response.content.decode()
    assert not PhoneVerification.objects.exists()


def test_it_says_so_when_the_citys_sms_budget_for_the_hour_is_spent(client, db):
    SmsPolicy.objects.create(hourly_budget=2, per_number_per_hour=10, countries="US")
    for n in range(2):  # at the moment the view reads the budget (services.start_phone_verification's clock)
        assert sms_limits.admit(f"+1217555010{n}", now=timezone.now()) is None
    client.force_login(_throwaway_account(1))
    response = client.post(ADD, {"phone": "217-555-0142"})
    assert response.status_code == 400 and "We cannot send text messages right now" in response.content.decode()


def test_it_answers_in_spanish(client, db):
    client.force_login(_throwaway_account(1))
    response = client.post(ADD, {"phone": "+1 900 555 1234"}, HTTP_ACCEPT_LANGUAGE="es")
    assert "tarifa especial" in response.content.decode()


@override_settings(SMS_CODES_PER_NUMBER_PER_HOUR=100)
def test_it_texts_a_code_that_was_allowed(tworld):
    User.objects.filter(pk=tworld.alice.pk).update(email_verified_at=timezone.now())
    tworld.alice.refresh_from_db()
    services.start_phone_verification(tworld.alice, "1-217-555-0142", client="203.0.113.9")
    run_worker()
    assert SmsMessage.objects.get().to == "+12175550142"


def test_it_lets_staff_add_a_number_without_the_email_step(client, world):
    client.force_login(world.bob)  # made by the city, never self-registered
    assert client.post(ADD, {"phone": "217-555-0142"}).status_code == 302
    assert PhoneVerification.objects.get().phone == "+12175550142"
