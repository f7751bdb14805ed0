"""The resident report flow in a real browser: pin, photo, questions, no JavaScript, emergencies."""

from __future__ import annotations

import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from civicdesk.servicerequests.models import ServiceRequest
from civicdesk.testing.images import loaded_width
from civicdesk.testing.world import IN_EAST_ELM

pytestmark = pytest.mark.browser

GAS_LEAK = "There is a gas leak next to the hole"

PIN_PIXEL = """([lat, lng]) => {
  const point = document.getElementById("map").leafletMap.latLngToContainerPoint([lat, lng]);
  return {x: point.x, y: point.y};
}"""


def pick_pothole(page, base: str) -> None:
    """Search the category list for "hole" and choose Pothole, as a resident would."""
    page.goto(f"{base}/report/")
    page.get_by_label("Search the list").fill("hole")
    page.get_by_role("main").get_by_role("button", name="Search").click()
    expect(page.get_by_role("status")).to_contain_text("1 match")
    page.get_by_role("link", name=re.compile("^Pothole")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Where is the problem? (Pothole)")


def test_it_files_a_report_with_a_map_pin_a_photo_and_an_answer(live_server, tworld, page,
                                                                 tmp_path):
    photo = tmp_path / "pothole.jpg"
    Image.new("RGB", (800, 600), (90, 80, 70)).save(photo, "JPEG")
    pick_pothole(page, live_server.url)

    the_map = page.locator("#map")
    expect(the_map).to_be_visible()
    page.wait_for_function("() => document.getElementById('map') && document.getElementById('map').leafletMap")
    pixel = page.evaluate(PIN_PIXEL, list(IN_EAST_ELM))
    the_map.click(position=pixel)
    expect(page.locator("#pin-status")).to_contain_text("Pin placed")
    lat = float(page.locator("#id_lat").input_value())
    long = float(page.locator("#id_long").input_value())
    assert abs(lat - IN_EAST_ELM[0]) < 0.05 and abs(long - IN_EAST_ELM[1]) < 0.05
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Tell us about the problem (Pothole)")
    page.get_by_label("Describe the problem").fill("Deep hole by the bus stop")
    page.get_by_label("How deep is it?").select_option(label="Deep (5 cm or more)")
    page.get_by_label("Photos or a video (optional)").set_input_files(photo)
    page.get_by_label("Email").fill("resident@example.org")
    page.get_by_role("button", name="Send report").click()

    tracking_number = page.get_by_test_id("tracking-number")
    expect(tracking_number).to_have_text(re.compile(r"^[0-9A-Z]{4}-[0-9A-Z]{4}$"))
    expect(page.get_by_test_id("status")).to_have_text("Submitted")
    thumbnail = page.get_by_role("img", name="Photo 1 of the problem")
    expect(thumbnail).to_be_visible()
    assert loaded_width(thumbnail) > 0  # visible (its box) before its bytes arrive: wait for the load

    saved = ServiceRequest.objects.get(public_id=tracking_number.inner_text())
    assert (saved.lat, saved.long) == (lat, long)
    assert saved.jurisdiction == tworld.elm and saved.district == tworld.east
    assert saved.attributes == {"depth": "deep"}
    assert saved.description == "Deep hole by the bus stop"
    assert saved.contact_email == "resident@example.org"
    attachment = saved.attachments.get()
    assert attachment.kind == "photo" and attachment.content_type == "image/jpeg"
    assert (attachment.width, attachment.height) == (800, 600)


def test_it_files_a_report_by_typed_address_without_javascript(live_server, tworld, browser):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844},
                                  locale="en-US")
    page = context.new_page()
    try:
        pick_pothole(page, live_server.url)
        expect(page.locator("#map")).to_be_hidden()
        page.get_by_label("Street address").fill("12 Oak Street")
        page.get_by_role("button", name="Continue").click()
        expect(page.get_by_test_id("resolved-address")).to_have_text("12 Oak Street")
        page.get_by_role("button", name="Yes, this is the place").click()

        expect(page.get_by_text("12 Oak Street")).to_be_visible()
        page.get_by_label("How deep is it?").select_option("shallow")
        page.get_by_role("button", name="Send report").click()

        tracking_number = page.get_by_test_id("tracking-number")
        expect(tracking_number).to_be_visible()
        saved = ServiceRequest.objects.get(public_id=tracking_number.inner_text())
    finally:
        context.close()
    assert saved.address == "12 Oak Street" and saved.address_id == "A1"
    assert saved.attributes == {"depth": "shallow"}
    assert saved.district == tworld.west


def test_it_lets_a_keyboard_user_focus_the_map_and_drop_the_pin_with_enter(live_server, tworld,
                                                                         page):
    page.goto(f"{live_server.url}/report/pothole/")
    page.get_by_role("link", name="Change the kind of problem").focus()
    page.keyboard.press("Tab")
    expect(page.locator("#map")).to_be_focused()
    expect(page.locator("#id_lat")).to_have_value("")

    page.keyboard.press("Enter")

    centre = page.evaluate("() => document.getElementById('map').leafletMap.getCenter()")
    expect(page.locator("#id_lat")).to_have_value(f"{centre['lat']:.6f}")
    expect(page.locator("#id_long")).to_have_value(f"{centre['lng']:.6f}")
    expect(page.locator("#pin-status")).to_contain_text("Pin placed")


def test_it_refuses_an_emergency_until_the_resident_confirms_it_is_not_one(live_server, tworld,
                                                                          page):
    lat, long = IN_EAST_ELM
    page.goto(f"{live_server.url}/report/pothole/details/?lat={lat}&long={long}")
    page.get_by_label("Describe the problem").fill(GAS_LEAK)
    page.get_by_label("How deep is it?").select_option("deep")
    page.get_by_role("button", name="Send report").click()

    alert = page.get_by_test_id("emergency")
    expect(alert).to_have_attribute("role", "alert")
    expect(alert).to_contain_text("Call 911 now.")
    assert ServiceRequest.objects.count() == 0
    expect(page.get_by_label("Describe the problem")).to_have_value(GAS_LEAK)

    page.get_by_text("I confirm this is not an emergency").click()
    expect(page.get_by_label("I confirm this is not an emergency")).to_be_checked()
    page.get_by_role("button", name="Send report").click()

    expect(page.get_by_test_id("tracking-number")).to_be_visible()
    saved = ServiceRequest.objects.get()
    assert saved.public_id == page.get_by_test_id("tracking-number").inner_text()
    assert saved.description == GAS_LEAK
