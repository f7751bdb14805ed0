"""recipient_for_user() and reporter_recipient(): channels, language and verified phone, as the person chose."""

from __future__ import annotations

import pytest
from django.utils import timezone

from civicdesk.servicerequests import services
from civicdesk.subscriptions.models import NotificationPreference
from civicdesk.subscriptions.services import normalize_phone, recipient_for_user, reporter_recipient
from civicdesk.testing.world import IN_WEST_ELM


def pothole(world, **extra):
    return services.submit_request(service_type=world.pothole, lat=IN_WEST_ELM[0], long=IN_WEST_ELM[1],
                                   attributes={"depth": "deep"}, **extra)


def test_it_emails_a_person_without_preferences_in_their_account_language(world):
    world.alice.language = "es"
    world.alice.save()
    recipient = recipient_for_user(world.alice)
    assert (recipient.email, recipient.phone, recipient.language, recipient.channels) == (
        "alice@example.org", "", "es", frozenset({"email"}))
    assert recipient.user_id == world.alice.pk and recipient.name == "Alice"


def test_it_uses_a_verified_phone_only_when_sms_is_chosen(world):
    preference = NotificationPreference.objects.create(user=world.alice, channels="both", phone="+15551230000",
                                                       phone_verified_at=timezone.now())
    recipient = recipient_for_user(world.alice)
    assert (recipient.email, recipient.phone, recipient.channels) == (
        "alice@example.org", "+15551230000", frozenset({"email", "sms"}))
    preference.channels = "email"
    preference.save()
    assert recipient_for_user(world.alice).phone == ""


def test_it_falls_back_to_email_when_the_chosen_phone_is_gone(world):
    NotificationPreference.objects.create(user=world.alice, channels="sms", phone="")
    assert recipient_for_user(world.alice).channels == frozenset({"email"})


def test_it_has_nobody_to_tell_for_none_or_an_inactive_account(world):
    NotificationPreference.objects.create(user=world.alice, channels="none")
    assert recipient_for_user(world.alice) is None
    world.mallory.is_active = False
    world.mallory.save()
    assert recipient_for_user(world.mallory) is None


def test_it_writes_to_a_reporter_without_an_account_at_the_contact_email_in_the_requests_language(world):
    request = pothole(world, contact_email="Zed@Example.org", contact_name="Zed", language="es",
                      contact_phone="555-0199")
    recipient = reporter_recipient(request)
    assert (recipient.email, recipient.phone, recipient.language, recipient.name, recipient.user_id) == (
        "zed@example.org", "", "es", "Zed", None)


def test_it_follows_the_account_preferences_of_a_reporter_with_an_account(world):
    NotificationPreference.objects.create(user=world.alice, channels="sms", phone="+15551230000",
                                          phone_verified_at=timezone.now())
    recipient = reporter_recipient(pothole(world, reporter=world.alice))
    assert (recipient.phone, recipient.channels, recipient.user_id) == (
        "+15551230000", frozenset({"sms"}), world.alice.pk)


def test_it_has_nobody_to_tell_about_an_anonymous_report(world):
    assert reporter_recipient(pothole(world)) is None


@pytest.mark.parametrize("typed, stored", [
    ("(555) 123-4567", "+15551234567"),
    ("1 555 123 4567", "+15551234567"),
    ("+44 7700 900123", "+447700900123"),
    ("0044 7700 900123", "+447700900123"),
    ("555-0199", ""),
    ("call me", ""),
    ("", ""),
])
def test_it_reads_mobile_numbers_as_people_type_them(settings, typed, stored):
    settings.PHONE_REGION = "US"
    assert normalize_phone(typed) == stored
