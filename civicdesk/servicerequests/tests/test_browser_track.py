"""Following a request in a browser: "Already reported?", look-up by tracking number, "me too"."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from civicdesk.servicerequests import services
from civicdesk.servicerequests.models import ServiceRequest
from civicdesk.testing.world import IN_WEST_ELM

pytestmark = pytest.mark.browser

COUNTED = "Thank you: we have counted you as affected."

# About 30 m north-east of IN_WEST_ELM: inside the pothole's 50 m duplicate radius.
NEAR_THE_POTHOLE = (IN_WEST_ELM[0] + 0.0002, IN_WEST_ELM[1] + 0.0002)


def open_pothole(world) -> ServiceRequest:
    return services.submit_request(service_type=world.pothole, lat=IN_WEST_ELM[0],
                                   long=IN_WEST_ELM[1], description="Deep hole in the cycle lane",
                                   attributes={"depth": "deep"})


def pin_near_the_pothole(page, base: str) -> None:
    """On the location step, zoom the map onto the pothole and click a spot about 30 m away."""
    page.goto(f"{base}/report/pothole/")
    pixel = page.evaluate("""([lat, lng]) => {
      const map = document.getElementById("map").leafletMap;
      map.setView([lat, lng], 18, {animate: false});
      const point = map.latLngToContainerPoint([lat, lng]);
      return {x: point.x, y: point.y};
    }""", list(NEAR_THE_POTHOLE))
    page.locator("#map").click(position=pixel)
    expect(page.locator("#pin-status")).to_contain_text("Pin placed")
    page.get_by_role("button", name="Continue").click()


def test_it_counts_the_resident_in_on_an_open_report_nearby(live_server, tworld, page):
    existing = open_pothole(tworld)
    pin_near_the_pothole(page, live_server.url)

    expect(page.get_by_role("heading", name="Already reported?")).to_be_visible()
    nearby = page.locator(".cd-nearby li")
    expect(nearby).to_have_count(1)
    expect(nearby).to_contain_text("Deep hole in the cycle lane")
    expect(nearby).to_contain_text(re.compile(r"\b(2\d|3\d) m away"))
    nearby.get_by_role("button", name="This is my problem: count me in").click()

    expect(page).to_have_url(f"{live_server.url}/requests/{existing.public_id}/")
    expect(page.get_by_role("status")).to_contain_text(COUNTED)
    expect(page.locator("dt:text-is('Residents affected') + dd")).to_have_text("2")
    existing.refresh_from_db()
    assert existing.supporters_count == 1
    assert ServiceRequest.objects.count() == 1


def test_it_lets_the_resident_go_on_when_the_nearby_report_is_another_problem(live_server, tworld,
                                                                             page):
    open_pothole(tworld)
    pin_near_the_pothole(page, live_server.url)

    page.get_by_role("link", name="No, mine is a different problem: continue").click()
    page.get_by_label("How deep is it?").select_option("shallow")
    page.get_by_role("button", name="Send report").click()

    expect(page.get_by_test_id("tracking-number")).to_be_visible()
    assert ServiceRequest.objects.count() == 2


def test_it_finds_a_request_by_the_tracking_number_read_out_loud(live_server, tworld, page):
    existing = open_pothole(tworld)
    page.goto(f"{live_server.url}/")
    page.get_by_label("Tracking number").fill(existing.public_id.lower().replace("-", " "))
    page.get_by_role("button", name="Find my request").click()

    expect(page).to_have_url(f"{live_server.url}/requests/{existing.public_id}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Pothole")
    expect(page.get_by_test_id("status")).to_have_text("Submitted")
    expect(page.get_by_text("Deep hole in the cycle lane")).to_be_visible()
    expect(page.get_by_role("region", name="Map showing where the problem is")).to_be_visible()


def test_it_explains_when_no_request_has_that_tracking_number(live_server, tworld, page):
    page.goto(f"{live_server.url}/requests/")
    page.get_by_label("Tracking number").fill("ZZZZ-ZZZZ")
    page.get_by_role("button", name="Find my request").click()

    expect(page.get_by_role("alert")).to_contain_text("We could not find a request")
    expect(page.get_by_label("Tracking number")).to_have_value("ZZZZ-ZZZZ")


def test_it_counts_a_resident_once_when_they_press_me_too_twice(live_server, tworld, page):
    existing = open_pothole(tworld)
    page.goto(f"{live_server.url}{existing.get_absolute_url()}")
    page.get_by_role("button", name="This affects me too").click()
    expect(page.get_by_role("status")).to_contain_text(COUNTED)
    page.get_by_role("button", name="This affects me too").click()
    expect(page.get_by_role("status")).to_contain_text("You have already said this affects you.")

    existing.refresh_from_db()
    assert existing.supporters_count == 1
    expect(page.locator("dt:text-is('Residents affected') + dd")).to_have_text("2")
