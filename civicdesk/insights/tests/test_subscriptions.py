"""Supervisors subscribe to new hotspots and hear of each once, in their language, only of what they may see."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from civicdesk.accounts.models import User
from civicdesk.audit.models import AuditEntry
from civicdesk.insights.models import HotspotSubscription
from civicdesk.insights.services import run_detection, subscribe, unsubscribe
from civicdesk.jurisdictions.models import StaffMembership
from civicdesk.notifications.models import Delivery
from civicdesk.testing.auth import login_verified

from .helpers import cluster, file_many

pytestmark = pytest.mark.django_db
Role = StaffMembership.Role


def supervisor(world, email="sam@elm.example.gov", department=None, language="en"):
    user = User.objects.create_user(email=email, password="x" * 12, first_name="Sam", is_staff=True,
                                    language=language)
    StaffMembership.objects.create(user=user, jurisdiction=world.elm, role=Role.SUPERVISOR,
                                   department=department or world.public_works)
    return user


def test_it_emails_a_subscriber_once_per_new_hotspot(world):
    sam = supervisor(world)
    subscribe(sam, jurisdiction=world.elm, service_type=world.pothole)
    cluster(world)
    run_detection()
    run_detection(now=timezone.now() + dt.timedelta(hours=1))
    sent = Delivery.objects.filter(event="insights.hotspot_new", address="sam@elm.example.gov")
    # The cell, West Elm and the city-wide series all rose: one email each, never repeated.
    assert sent.count() == 3
    assert len({d.key for d in sent}) == 3
    for delivery in sent:
        assert "Pothole" in delivery.subject and "/staff/insights/" in delivery.body_text
        assert delivery.scope == "staff" and delivery.key.startswith("hotspot:")


def test_it_writes_in_the_subscriber_language(world):
    sam = supervisor(world, language="es")
    subscribe(sam, jurisdiction=world.elm, department=world.public_works)
    cluster(world)
    run_detection()
    delivery = Delivery.objects.filter(event="insights.hotspot_new").first()
    assert delivery.language == "es"
    assert delivery.subject.startswith("Nueva zona de concentración")


def test_it_tells_nobody_of_a_hotspot_they_may_not_see(world):
    # A Sanitation supervisor subscribed to all of Elm does not hear of Public Works potholes.
    sue = supervisor(world, email="sue@elm.example.gov", department=world.sanitation)
    subscribe(sue, jurisdiction=world.elm)
    cluster(world)
    run_detection()
    assert not Delivery.objects.filter(address="sue@elm.example.gov").exists()


def test_it_does_not_announce_repeat_locations(world):
    sam = supervisor(world)
    subscribe(sam, jurisdiction=world.elm)
    file_many(world, world.graffiti, 3, days_ago=3, department=world.public_works)
    run_detection()
    assert not Delivery.objects.filter(event="insights.hotspot_new").exists()


def test_it_audits_subscribing_and_keeps_one_subscription(world):
    sam = supervisor(world)
    one = subscribe(sam, jurisdiction=world.elm, service_type=world.pothole)
    assert subscribe(sam, jurisdiction=world.elm, service_type=world.pothole) == one
    assert HotspotSubscription.objects.count() == 1
    unsubscribe(sam, one)
    assert list(AuditEntry.objects.filter(action__startswith="insights.").values_list("action", flat=True)
                .order_by("pk")) == ["insights.subscribed", "insights.unsubscribed"]


def test_it_lets_a_supervisor_subscribe_from_the_page_but_not_staff(client, world):
    sam = supervisor(world)
    login_verified(client, sam)
    response = client.post("/staff/insights/subscriptions/", {"jurisdiction": world.elm.pk,
                                                              "service_type": world.pothole.pk})
    assert response.status_code == 302
    assert HotspotSubscription.objects.filter(user=sam, service_type=world.pothole).exists()
    login_verified(client, world.bob)
    assert client.post("/staff/insights/subscriptions/", {"jurisdiction": world.elm.pk}).status_code == 403
    subscription = HotspotSubscription.objects.get()
    assert client.post(f"/staff/insights/subscriptions/{subscription.pk}/delete/").status_code == 404
    login_verified(client, sam)
    client.post(f"/staff/insights/subscriptions/{subscription.pk}/delete/")
    assert not HotspotSubscription.objects.exists()
