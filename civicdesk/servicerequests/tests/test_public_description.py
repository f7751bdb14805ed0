"""Contact details typed into a description or a public update: masked on every public surface and in every
message to someone other than staff, kept whole for staff."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from civicdesk.alerts.tests.helpers import live
from civicdesk.servicerequests import services
from civicdesk.servicerequests.models import ServiceRequest
from civicdesk.subscriptions.models import Follow
from civicdesk.testing.auth import login_verified
from civicdesk.testing.fixtures import run_worker
from civicdesk.testing.world import IN_WEST_ELM

PHONE = "(217) 555-0148"
EMAIL = "maria.q7canary@example.org"
DESCRIPTION = f"Deep hole by the bus stop. Call me on {PHONE} or write to {EMAIL} to get in the gate."
MASKED = "Deep hole by the bus stop. Call me on [phone removed] or write to [email removed] to get in the gate."
LEAKS = ("555-0148", "q7canary")


def pothole(world, description=DESCRIPTION) -> ServiceRequest:
    return services.submit_request(service_type=world.pothole, lat=IN_WEST_ELM[0], long=IN_WEST_ELM[1],
                                   attributes={"depth": "deep"}, description=description,
                                   contact_email="rita@example.org")


def assert_masked(text: str) -> None:
    for leak in LEAKS:
        assert leak not in text, leak


def test_it_masks_the_description_for_the_public_and_keeps_it_for_staff(world):
    request = pothole(world)
    assert request.public_description() == MASKED
    assert request.description == DESCRIPTION
    with translation.override("es"):
        assert "[teléfono eliminado]" in request.public_description()


def test_it_keeps_the_citys_own_number_in_a_public_update(world):
    request = pothole(world)
    entry = services.add_note(request, message="Call 311 at 555-0100 (not the crew lead on 217-555-0177).")
    assert entry.public_message() == "Call 311 at 555-0100 (not the crew lead on [phone removed])."


def test_it_masks_the_tracking_page_and_staff_see_the_original(client, world):
    request = pothole(world)
    services.add_note(request, message=f"We spoke to the owner, {EMAIL}.")
    page = client.get(request.get_absolute_url()).content.decode()
    assert "[phone removed]" in page and "[email removed]" in page
    assert_masked(page)
    login_verified(client, world.bob)
    staff_page = client.get(reverse("staff:detail", args=[request.public_id])).content.decode()
    assert PHONE in staff_page and EMAIL in staff_page


def test_it_masks_the_already_reported_list(client, world):
    pothole(world)
    page = client.get(reverse("intake:where", args=["pothole"]),
                      {"lat": IN_WEST_ELM[0] + 0.00009, "long": IN_WEST_ELM[1]}).content.decode()
    assert "Already reported?" in page and "[phone removed]" in page
    assert_masked(page)


@pytest.mark.parametrize("feed", ["alerts:feed_rss", "alerts:feed_atom"])
def test_it_masks_the_area_feeds(client, world, feed):
    pothole(world)
    body = client.get(reverse(feed), {"lat": IN_WEST_ELM[0], "long": IN_WEST_ELM[1], "radius": 500}).content
    assert b"[phone removed]" in body
    assert_masked(body.decode())


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_it_masks_open311_reads(client, world, fmt):
    request = pothole(world)
    services.transition(request, world.statuses["in_progress"], user=world.bob,
                        message=f"Crew booked; the owner is on {PHONE}.")
    params = {"jurisdiction_id": world.elm.open311_id, "extensions": "true"}
    since = (timezone.now() - dt.timedelta(hours=1)).isoformat()
    for url, extra in [(f"/open311/v2/requests/{request.public_id}.{fmt}", {}),
                       (f"/open311/v2/requests.{fmt}", {}),
                       (f"/open311/v2/servicerequestupdates.{fmt}", {"start_date": since})]:
        response = client.get(url, {**params, **extra})
        assert response.status_code == 200, (url, response.content[:200])
        body = response.content.decode()
        assert "[phone removed]" in body, url
        assert_masked(body)
    if fmt == "json":
        [document] = json.loads(client.get(f"/open311/v2/requests/{request.public_id}.json", params).content)
        assert document["description"] == MASKED
        assert document["status_notes"] == "Crew booked; the owner is on [phone removed]."


def test_it_masks_area_alerts_and_follower_updates(tworld, smtp_server):
    live("neighbour@example.org", radius_m=500)
    request = pothole(tworld)
    Follow.objects.create(request=request, email="follower@example.org", language="en",
                          confirmed_at=timezone.now())
    run_worker()
    services.add_note(request, message=f"The owner asked to be called on {PHONE}.", user=tworld.bob)
    run_worker()
    by_address = {}
    for message in smtp_server.wait_for(4):
        by_address.setdefault(message["To"], []).append(message.get_body(preferencelist=("plain",)).get_content())
    alert = "\n".join(by_address["neighbour@example.org"])
    assert "[phone removed]" in alert
    assert_masked(alert)
    update = "\n".join(by_address["follower@example.org"])
    assert "called on [phone removed]" in update
    assert_masked(update)
