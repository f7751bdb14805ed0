"""What one submission costs in SQL statements (docs/performance.md): an Open311 POST and the web form's last
step, each with configuration read from the per-process cache, at a quiet spot and at a hot spot of 500 open
requests of the same kind within its duplicate radius (the count must not grow with them)."""

from __future__ import annotations

import random

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from civicdesk.catalog.models import Status
from civicdesk.open311.services import issue_api_key
from civicdesk.servicerequests.models import ServiceRequest
from civicdesk.testing.world import IN_WEST_ELM

#: Statements of one Open311 POST (BEGIN and COMMIT included): the key, the nearest address, the duplicate
#: look-up, then one transaction (BEGIN, request, timeline in one bulk insert, audit, acknowledgement task, the
#: key's count, COMMIT; the worker's acknowledgement enqueues the area-alert matching). Before issue 15: 35
#: (bench/profiles/submit-before-sqlite.txt).
OPEN311_POST = 10
#: Statements of one web submit: the session, the nearest address, the duplicate look-up, then one
#: transaction (BEGIN, the two report limits in one statement, request, timeline, audit, the acknowledgement
#: task, the session's "just submitted" mark in a savepoint, COMMIT). Before issue 15: 36.
WEB_SUBMIT = 13


def hot_spot(world, count: int = 500) -> None:
    """`count` open potholes within 20 m of IN_WEST_ELM (the pothole's duplicate radius is 50 m)."""
    rng = random.Random(15)
    now = timezone.now()
    status = Status.objects.get(code="submitted")
    span = 20 / 111_000
    ServiceRequest.objects.bulk_create([ServiceRequest(
        public_id=f"H{i:03d}-{rng.randrange(36 ** 4):04X}"[:9], jurisdiction=world.elm, service_type=world.pothole,
        status=status, is_open=True, lat=IN_WEST_ELM[0] + rng.uniform(-span, span),
        long=IN_WEST_ELM[1] + rng.uniform(-span, span), requested_at=now, updated_at=now) for i in range(count)])


def open311_post(client: Client, key: str, world, n: int) -> None:
    response = client.post("/open311/v2/requests.json", {
        "api_key": key, "jurisdiction_id": world.elm.open311_id, "service_code": "pothole",
        "lat": str(IN_WEST_ELM[0]), "long": str(IN_WEST_ELM[1]), "attribute[depth]": "deep",
        "description": "Deep hole by the bus stop", "email": f"open311-{n}@example.org"})
    assert response.status_code == 200, response.content


def web_submit(client: Client, n: int) -> None:
    response = client.post(reverse("intake:details", args=["pothole"]), {
        "lat": str(IN_WEST_ELM[0]), "long": str(IN_WEST_ELM[1]), "description": "Deep hole by the bus stop",
        "attribute_depth": "deep", "name": "Zed", "email": f"web-{n}@example.org"})
    assert response.status_code == 302, response.content


@pytest.mark.parametrize("nearby", [0, 500])
def test_it_keeps_an_open311_post_within_its_statements(world, cached_configuration, django_assert_max_num_queries,
                                                         nearby):
    _, key = issue_api_key(name="Statements", rate_limit_per_minute=0)
    client = Client()
    open311_post(client, key, world, 0)  # warms the per-process cache
    hot_spot(world, nearby)
    with django_assert_max_num_queries(OPEN311_POST):
        open311_post(client, key, world, 1)
    assert ServiceRequest.objects.filter(contact_email="open311-1@example.org").count() == 1


@pytest.mark.parametrize("nearby", [0, 500])
def test_it_keeps_a_web_submit_within_its_statements(world, cached_configuration, django_assert_max_num_queries,
                                                     nearby):
    client = Client(REMOTE_ADDR="198.51.100.15")
    web_submit(client, 0)  # warms the per-process cache; the browser now has its session
    hot_spot(world, nearby)
    with django_assert_max_num_queries(WEB_SUBMIT):
        web_submit(client, 1)
    assert ServiceRequest.objects.filter(contact_email="web-1@example.org").count() == 1


def test_it_reads_the_configuration_again_after_it_changed(world, cached_configuration):
    """The cache is emptied by a change: a renamed kind of problem shows in the next submission's timeline."""
    _, key = issue_api_key(name="Statements", rate_limit_per_minute=0)
    client = Client()
    open311_post(client, key, world, 0)
    world.pothole.refresh_from_db()
    world.pothole.is_active = False
    world.pothole.save()
    response = client.post("/open311/v2/requests.json", {
        "api_key": key, "jurisdiction_id": world.elm.open311_id, "service_code": "pothole",
        "lat": str(IN_WEST_ELM[0]), "long": str(IN_WEST_ELM[1]), "attribute[depth]": "deep"})
    assert response.status_code == 404  # no longer offered: not served from the cache
