"""Web reports are limited per client address and overall, and acknowledgements per destination address."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from civicdesk.notifications.models import Delivery
from civicdesk.servicerequests import tasks
from civicdesk.servicerequests.models import ServiceRequest
from civicdesk.testing.world import IN_WEST_ELM

URL = reverse("intake:details", args=["pothole"])


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def report(**overrides) -> dict:
    data = {"lat": str(IN_WEST_ELM[0]), "long": str(IN_WEST_ELM[1]), "address": "12 Oak Street",
            "address_id": "A1", "description": "Deep hole by the bus stop", "attribute_depth": "deep",
            "name": "", "email": "", "phone": ""}
    data.update(overrides)
    return data


def test_it_refuses_a_flood_of_anonymous_reports_from_one_address(world, settings):
    client = Client(REMOTE_ADDR="203.0.113.25")
    statuses = [client.post(URL, report(description=f"Flood report {n}")).status_code for n in range(25)]
    assert statuses.count(302) == settings.REPORTS_PER_CLIENT_PER_HOUR
    assert ServiceRequest.objects.count() == settings.REPORTS_PER_CLIENT_PER_HOUR

    refused = client.post(URL, report(description="The one that waits", email="zed@example.org"))
    html = refused.content.decode()
    assert refused.status_code == 429 and 0 < int(refused["Retry-After"]) <= 3600
    assert "we cannot take another one from this connection just now" in html
    assert "The one that waits" in html and "zed@example.org" in html  # what the resident typed is kept
    assert Client(REMOTE_ADDR="198.51.100.9").post(URL, report()).status_code == 302


def test_it_counts_signed_in_residents_by_address_too(client, world, settings):
    settings.REPORTS_PER_CLIENT_PER_HOUR = 2
    client.force_login(world.alice)
    assert [client.post(URL, report()).status_code for _ in range(3)] == [302, 302, 429]


@override_settings(REPORTS_PER_HOUR=3)
def test_it_caps_reports_from_everyone_together(world):
    statuses = [Client(REMOTE_ADDR=f"203.0.113.{n}").post(URL, report()).status_code for n in range(1, 6)]
    assert statuses == [302, 302, 302, 429, 429]


def test_it_explains_the_refusal_in_spanish(world, settings):
    settings.REPORTS_PER_CLIENT_PER_HOUR = 1
    client = Client(REMOTE_ADDR="203.0.113.26", HTTP_ACCEPT_LANGUAGE="es")
    client.post(URL, report())
    refused = client.post(URL, report())
    assert refused.status_code == 429 and "desde esta conexión" in refused.content.decode()


def test_it_sends_one_address_only_a_few_acknowledgements_an_hour(world, settings):
    for n in range(8):
        Client(REMOTE_ADDR=f"203.0.113.{100 + n}").post(URL, report(email="victim@example.org"))
    assert ServiceRequest.objects.count() == 8
    for pk in ServiceRequest.objects.values_list("pk", flat=True):  # what the worker does with their tasks
        tasks.acknowledge.call(request_pk=pk)
    acknowledgements = Delivery.objects.filter(event="request.received", address="victim@example.org")
    assert acknowledgements.count() == settings.ACKNOWLEDGEMENTS_PER_ADDRESS_PER_HOUR
