"""Notices in Chromium: the report form's "we already know" for a pin inside the area, the public pages, and
drawing an area in the staff editor; axe-core on each."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from civicdesk.notices.models import ServiceNotice
from civicdesk.staff.tests.people import seat_people
from civicdesk.staff.tests.test_browser_console import sign_in
from civicdesk.testing.fixtures import assert_accessible

from .helpers import INSIDE_PATCH, OUTSIDE_PATCH, make_notice

pytestmark = pytest.mark.browser

PIXEL = """([id, lat, lng]) => {
  const point = document.getElementById(id).leafletMap.latLngToContainerPoint([lat, lng]);
  return {x: point.x, y: point.y};
}"""


def drop_pin(page, lat: float, long: float) -> None:
    """Click the report map at the point and wait for the notices look-up it triggers."""
    pixel = page.evaluate(PIXEL, ["map", lat, long])
    with page.expect_response(lambda response: "/notices/at.json" in response.url):
        page.locator("#map").click(position=pixel)


def test_it_tells_a_resident_whose_pin_is_inside_an_active_notice(live_server, tworld, page):
    notice = make_notice(tworld, user=tworld.bob, service_types=[tworld.pothole])
    base = live_server.url
    page.goto(f"{base}/")
    expect(page.get_by_test_id("home-notices")).to_contain_text("Water main repair on Oak Street")
    assert_accessible(page, context="home with a notice")

    page.goto(f"{base}/report/pothole/")
    drop_pin(page, *OUTSIDE_PATCH)
    expect(page.locator("#pin-status")).to_contain_text("Pin placed")
    expect(page.get_by_test_id("known-issues")).to_have_count(0)

    drop_pin(page, *INSIDE_PATCH)
    known = page.get_by_test_id("known-issues")
    expect(known).to_be_visible()
    expect(known.get_by_role("heading", name="We already know about this")).to_be_visible()
    expect(known).to_contain_text("Water main repair on Oak Street")
    expect(known).to_contain_text("Water is off while crews work.")
    expect(known).to_contain_text("Major disruption")
    assert_accessible(page, context="report map with a notice")

    drop_pin(page, *OUTSIDE_PATCH)  # moving the pin away takes the notice away
    expect(page.get_by_test_id("known-issues")).to_have_count(0)
    drop_pin(page, *INSIDE_PATCH)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tell us about the problem (Pothole)")
    expect(page.get_by_test_id("known-issues")).to_contain_text("Water main repair on Oak Street")
    expect(page.get_by_role("button", name="Send report")).to_be_visible()  # they may still report

    page.get_by_test_id("known-issues").get_by_role("link", name="Water main repair on Oak Street").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Water main repair on Oak Street")
    expect(page.locator("#notice-map")).to_be_visible()
    assert_accessible(page, context="notice page")
    page.goto(f"{base}/notices/")
    expect(page.get_by_role("link", name=notice.title)).to_be_visible()
    assert_accessible(page, context="notice list")


def test_it_lets_a_supervisor_draw_the_area_and_publish(live_server, tworld, page):
    seats = seat_people(tworld)
    base = live_server.url
    sign_in(page, base, seats.supervisor.email)
    page.get_by_role("link", name="Service notices: disruptions and news").click()
    page.get_by_role("link", name="Write a notice").click()
    expect(page.locator("#notice-map")).to_be_visible()
    assert_accessible(page, context="notice editor")

    the_map = page.locator("#notice-map")
    for lat, long in [(2.8, 2.2), (2.8, 2.8), (3.2, 2.8), (3.5, 2.5)]:
        the_map.click(position=page.evaluate(PIXEL, ["notice-map", lat, long]))
    expect(page.locator("#area-status")).to_contain_text("Corners placed: 4.")
    page.get_by_role("button", name="Undo the last corner").click()
    expect(page.locator("#area-status")).to_contain_text("Corners placed: 3.")
    page.get_by_role("button", name="Clear the area").click()
    expect(page.get_by_label("Affected area as GeoJSON (optional)")).to_have_value("")
    for lat, long in [(2.8, 2.2), (2.8, 2.8), (3.2, 2.8), (3.2, 2.2)]:
        the_map.click(position=page.evaluate(PIXEL, ["notice-map", lat, long]))
    expect(page.locator("#area-status")).to_contain_text("The area is a closed shape.")

    page.get_by_label("Severity").select_option(label="Major disruption")
    page.get_by_label("Title (English)").fill("Gas works on Oak Street")
    page.get_by_label("Message (English)").fill("Oak Street is closed while the gas main is replaced.")
    page.get_by_label("Title (Spanish)").fill("Obras de gas en Oak Street")
    page.get_by_role("button", name="Save and publish").click()
    expect(page.get_by_text("Notice published.")).to_be_visible()
    expect(page.get_by_test_id("state")).to_have_text("Active")
    assert_accessible(page, context="notice editor after publishing")

    notice = ServiceNotice.objects.get(title_en="Gas works on Oak Street")
    assert notice.published_at is not None and notice.title_es == "Obras de gas en Oak Street"
    assert notice.covers(*INSIDE_PATCH) and not notice.covers(*OUTSIDE_PATCH)
    ring = notice.area["coordinates"][0]
    assert len(ring) == 5 and abs(ring[0][0] - 2.2) < 0.02 and abs(ring[0][1] - 2.8) < 0.02
    json.dumps(notice.area)
