"""The subscribe page: confirmation by email through the real SMTP server and worker, limits, errors."""

from __future__ import annotations

import re

from django.urls import reverse
from django.utils import timezone

from civicdesk.alerts.models import AreaSubscription
from civicdesk.testing.fixtures import run_worker
from civicdesk.testing.world import IN_WEST_ELM

from .helpers import live, pothole, text


def form(**overrides) -> dict:
    data = {"email": "zoe@example.org", "lat": str(IN_WEST_ELM[0]), "long": str(IN_WEST_ELM[1]), "address": "",
            "radius_m": "500", "district": "", "events": ["new", "closed"], "frequency": "immediate"}
    data.update(overrides)
    return data


def test_it_confirms_by_the_emailed_link_and_then_alerts(client, tworld, smtp_server):
    response = client.post(reverse("alerts:subscribe"), form())
    assert response.status_code == 302 and response["Location"] == reverse("alerts:sent")
    subscription = AreaSubscription.objects.get(email="zoe@example.org")
    assert subscription.confirmed_at is None

    pothole(tworld)  # not confirmed yet: no alert
    run_worker()
    [confirmation] = smtp_server.wait_for(1)
    assert confirmation["To"] == "zoe@example.org"
    assert confirmation["Subject"] == "Confirm your area alert"
    link = re.search(r"http://\S+/alerts/confirm/\S+/", text(confirmation)).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]

    page = client.get("/" + path)
    assert page.status_code == 200 and "Yes, confirm" in page.content.decode()
    assert AreaSubscription.objects.get().confirmed_at is None  # a GET (a mail scanner) confirms nothing
    response = client.post("/" + path)
    assert response.status_code == 302
    assert response["Location"] == reverse("alerts:manage", args=[subscription.token])
    assert AreaSubscription.objects.get().confirmed_at is not None

    request = pothole(tworld, contact_email="reporter@example.org", contact_name="Rita Reporter",
                      contact_phone="555-0199")
    run_worker()
    messages = smtp_server.wait_for(3)  # the confirmation, the reporter's acknowledgement, the alert
    [alert] = [m for m in messages[1:] if m["To"] == "zoe@example.org"]
    body = text(alert)
    assert alert["To"] == "zoe@example.org"
    assert alert["Subject"] == "New report near you: Pothole at 12 Oak Street"
    assert request.public_id in body and "Deep hole by the bus stop" in body
    assert "/alerts/mine/" in body
    assert "reporter@example.org" not in alert.as_string() and "Rita" not in body and "555-0199" not in body


def test_it_confirms_a_signed_in_verified_person_at_once(client, world):
    world.alice.email_verified_at = timezone.now()
    world.alice.save()
    client.force_login(world.alice)
    response = client.post(reverse("alerts:subscribe"), form(email="alice@example.org"))
    subscription = AreaSubscription.objects.get()
    assert response["Location"] == reverse("alerts:manage", args=[subscription.token])
    assert subscription.is_live() and subscription.user == world.alice


def test_it_asks_an_unverified_account_to_confirm(client, world):
    client.force_login(world.alice)
    client.post(reverse("alerts:subscribe"), form(email="alice@example.org"))
    assert AreaSubscription.objects.get().confirmed_at is None


def test_it_subscribes_by_address_or_district_without_javascript(client, world):
    client.post(reverse("alerts:subscribe"), form(lat="", long="", address="12 oak st", radius_m="250"))
    by_address = AreaSubscription.objects.get()
    assert (by_address.lat, by_address.long, by_address.radius_m) == (3.0001, 2.5001, 250)
    assert by_address.place_name == "12 Oak Street"

    client.post(reverse("alerts:subscribe"), form(email="yan@example.org", lat="", long="",
                                                  district=str(world.east.pk), events=["closed"],
                                                  frequency="daily", service_types=[str(world.graffiti.pk)]))
    by_district = AreaSubscription.objects.get(email="yan@example.org")
    assert by_district.district == world.east and by_district.lat is None
    assert (by_district.notify_new, by_district.notify_closed, by_district.frequency) == (False, True, "daily")
    assert list(by_district.service_types.all()) == [world.graffiti] and not by_district.all_types


def test_it_explains_what_is_wrong_and_saves_nothing(client, world):
    response = client.post(reverse("alerts:subscribe"), form(lat="", long="", address="999 Nowhere Lane",
                                                             events=[], email="not-an-email"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Enter a valid email address." in page
    assert "We could not find “999 Nowhere Lane” in the city&#x27;s address list." in page
    assert "Choose what to hear about: new requests, closed requests, or both." in page
    assert AreaSubscription.objects.count() == 0

    response = client.post(reverse("alerts:subscribe"), form(lat="20", long="20"))
    assert "outside" in response.content.decode().lower() or "not served" in response.content.decode().lower()
    response = client.post(reverse("alerts:subscribe"), form(radius_m="50000"))
    assert "Select a valid choice." in response.content.decode()
    assert AreaSubscription.objects.count() == 0


def test_it_limits_subscriptions_per_address(client, world, settings):
    settings.AREA_ALERTS_MAX_PER_EMAIL = 2
    for _ in range(2):
        live("zoe@example.org")
    response = client.post(reverse("alerts:subscribe"), form())
    assert "already has 2 area alerts, the most we allow" in response.content.decode()
    assert AreaSubscription.objects.count() == 2


def test_it_limits_unconfirmed_subscriptions_per_day(client, world, settings):
    settings.AREA_ALERTS_MAX_PENDING_PER_DAY = 1
    client.post(reverse("alerts:subscribe"), form())
    response = client.post(reverse("alerts:subscribe"), form(radius_m="1000"))
    assert "several confirmation emails to this address today" in response.content.decode()
    assert AreaSubscription.objects.count() == 1


def test_it_refuses_a_forged_or_unknown_confirmation_link(client, world):
    response = client.get(reverse("alerts:confirm", args=["forged-code"]))
    assert response.status_code == 404
    assert "not valid or has expired" in response.content.decode()


def test_it_does_not_count_unconfirmed_subscriptions_whose_link_expired(client, world, settings):
    import datetime as dt

    settings.AREA_ALERTS_MAX_PER_EMAIL = 1
    AreaSubscription.objects.create(email="zoe@example.org", lat=IN_WEST_ELM[0], long=IN_WEST_ELM[1],
                                    radius_m=500, created_at=timezone.now() - dt.timedelta(days=30))
    response = client.post(reverse("alerts:subscribe"), form())
    assert response.status_code == 302
    assert AreaSubscription.objects.count() == 2
