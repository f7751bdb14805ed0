"""Confirming a mobile number with a 6-digit code sent by SMS (the development outbox)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from civicdesk.notifications.models import SmsMessage
from civicdesk.subscriptions import services
from civicdesk.subscriptions.models import NotificationPreference, PhoneVerification
from civicdesk.testing.fixtures import run_worker

ADD = reverse("subscriptions:add_phone")
CONFIRM = reverse("subscriptions:confirm_phone")


@pytest.fixture(autouse=True)
def alice_confirmed_her_email(tworld):
    type(tworld.alice).objects.filter(pk=tworld.alice.pk).update(email_verified_at=timezone.now())
    tworld.alice.refresh_from_db()


def code_texted_to(phone: str) -> str:
    run_worker()
    message = SmsMessage.objects.filter(to=phone).latest("pk")
    return re.search(r"\b(\d{6})\b", message.body).group(1)


def test_it_confirms_a_number_with_the_code_texted_to_it(client, tworld):
    client.force_login(tworld.alice)
    response = client.post(ADD, {"phone": "(217) 555-0142"})
    assert response.status_code == 302
    verification = PhoneVerification.objects.get(user=tworld.alice)
    code = code_texted_to("+12175550142")
    assert code not in verification.code_hash  # only a keyed hash is kept

    assert "Confirm +12175550142" in client.get(reverse("subscriptions:preferences")).content.decode()
    assert client.post(CONFIRM, {"code": code}).status_code == 302
    preference = NotificationPreference.objects.get(user=tworld.alice)
    assert preference.phone == "+12175550142" and preference.phone_verified_at is not None
    assert preference.audit_entries().filter(action="preferences.phone_verified").exists()


def test_it_texts_the_code_in_the_persons_language(client, tworld):
    NotificationPreference.objects.create(user=tworld.alice, language="es")
    services.start_phone_verification(tworld.alice, "+1 217 555 0142")
    run_worker()
    assert SmsMessage.objects.get().body != ""
    from civicdesk.notifications.models import Delivery

    assert Delivery.objects.get(event="phone.verify").language == "es"


def test_it_counts_wrong_codes_and_stops_after_five(client, tworld):
    client.force_login(tworld.alice)
    client.post(ADD, {"phone": "217 555 0142"})
    code = code_texted_to("+12175550142")
    wrong = "000000" if code != "000000" else "111111"
    response = client.post(CONFIRM, {"code": wrong})
    assert response.status_code == 400
    assert "That code is not right. Check the text message and try again (4 tries left)." in \
        response.content.decode()
    for _ in range(4):
        client.post(CONFIRM, {"code": wrong})
    body = client.post(CONFIRM, {"code": code}).content.decode()
    assert "Too many wrong codes. Ask for a new one." in body
    assert not NotificationPreference.objects.filter(phone="+12175550142").exists()


def test_it_refuses_an_expired_code(client, tworld):
    client.force_login(tworld.alice)
    client.post(ADD, {"phone": "217 555 0142"})
    code = code_texted_to("+12175550142")
    PhoneVerification.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    body = client.post(CONFIRM, {"code": code}).content.decode()
    assert "That code has expired. Ask for a new one." in body


def test_it_explains_a_number_it_cannot_text_and_a_malformed_code(client, tworld):
    client.force_login(tworld.alice)
    response = client.post(ADD, {"phone": "call me maybe"})
    assert response.status_code == 400
    assert "Enter a mobile number we can text" in response.content.decode()
    assert not PhoneVerification.objects.exists()
    client.post(ADD, {"phone": "217 555 0142"})
    body = client.post(CONFIRM, {"code": "12ab"}).content.decode()
    assert "Enter the 6 digits from the text message, like 123456." in body


def test_it_limits_how_many_codes_a_person_can_ask_for(client, tworld):
    client.force_login(tworld.alice)
    for n in range(services.CODES_PER_HOUR):
        assert client.post(ADD, {"phone": f"217 555 01{n:02d}"}).status_code == 302
    response = client.post(ADD, {"phone": "217 555 0199"})
    assert response.status_code == 400 and "Wait an hour" in response.content.decode()
    assert PhoneVerification.objects.count() == services.CODES_PER_HOUR


def test_it_removes_the_number_and_falls_back_to_email(client, tworld):
    NotificationPreference.objects.create(user=tworld.alice, channels="sms", phone="+15551230000",
                                          phone_verified_at=timezone.now())
    client.force_login(tworld.alice)
    client.post(reverse("subscriptions:remove_phone"))
    preference = NotificationPreference.objects.get(user=tworld.alice)
    assert (preference.phone, preference.channels) == ("", "email")
