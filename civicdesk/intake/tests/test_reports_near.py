"""/report/nearby.json: open public reports near the map's view, public fields only, a bounded count."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.urls import reverse

from civicdesk.intake import nearby
from civicdesk.servicerequests import services
from civicdesk.testing.world import IN_EAST_ELM, IN_WEST_ELM

URL = reverse("intake:reports_near")


def report(world, lat_long=IN_WEST_ELM, **extra):
    return services.submit_request(service_type=world.pothole, lat=lat_long[0], long=lat_long[1],
                                   attributes={"depth": "deep"}, description="Hole by the school gate", **extra)


def test_it_answers_open_public_reports_with_public_fields_only(client, world):
    existing = report(world, contact_name="Ursula Quorn", contact_email="ursula@example.org",
                      contact_phone="+15550100")
    body = client.get(URL, {"lat": IN_WEST_ELM[0], "long": IN_WEST_ELM[1]}).json()
    assert body == {"reports": [{
        "tracking_number": existing.public_id, "category": "Pothole", "status": "Submitted",
        "lat": round(IN_WEST_ELM[0], 6), "long": round(IN_WEST_ELM[1], 6), "distance_m": 0,
        "url": f"/requests/{existing.public_id}/"}]}


def test_it_leaves_out_closed_private_and_far_reports(client, world):
    closed = report(world)
    services.transition(closed, world.statuses["fixed"], user=world.bob)
    private = report(world)
    private.is_private = True
    private.save(update_fields=["is_private"])
    report(world, lat_long=IN_EAST_ELM)
    assert client.get(URL, {"lat": IN_WEST_ELM[0], "long": IN_WEST_ELM[1]}).json() == {"reports": []}


def test_it_answers_at_most_the_limit_nearest_first(client, world, monkeypatch):
    monkeypatch.setattr(nearby, "LIMIT", 2)
    far = report(world, lat_long=(IN_WEST_ELM[0] + 0.0009, IN_WEST_ELM[1]))
    near = report(world)
    middle = report(world, lat_long=(IN_WEST_ELM[0] + 0.0004, IN_WEST_ELM[1]))
    body = client.get(URL, {"lat": IN_WEST_ELM[0], "long": IN_WEST_ELM[1]}).json()
    assert [r["tracking_number"] for r in body["reports"]] == [near.public_id, middle.public_id]
    assert far.public_id not in str(body)


def test_it_refuses_a_position_that_is_not_on_the_map(client, world):
    assert client.get(URL, {"lat": "north", "long": "2"}).status_code == 400
    assert client.get(URL, {"lat": "95", "long": "2"}).status_code == 400


def test_it_limits_how_often_one_client_asks(client, world, settings):
    settings.RATE_LIMITS_ENABLED = True
    # Inside one fixed one-minute window (time stands still), so the count cannot roll over.
    with time_machine.travel(dt.datetime(2026, 12, 4, 12, 0, 10, tzinfo=dt.timezone.utc), tick=False):
        for _ in range(120):
            assert client.get(URL, {"lat": IN_WEST_ELM[0], "long": IN_WEST_ELM[1]}).status_code == 200
        response = client.get(URL, {"lat": IN_WEST_ELM[0], "long": IN_WEST_ELM[1]})
    assert response.status_code == 429 and int(response["Retry-After"]) >= 1
