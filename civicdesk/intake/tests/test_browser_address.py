"""Addresses in a real browser (phone size, axe on every step): "Is this right?" on the map with and without
JavaScript, "Did you mean…?", the map's instructions, cross and spoken pin, reports nearby, and Spanish."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from civicdesk.jurisdictions.models import AddressPoint
from civicdesk.servicerequests import services
from civicdesk.testing.fixtures import assert_accessible
from civicdesk.testing.world import IN_COUNTY_ONLY, IN_WEST_ELM

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def birch_streets(world) -> None:
    """7 N Birch St in the town and 7 S Birch St in the county: "7 Brich St" could be either."""
    AddressPoint.objects.create(address_id="N7", number="7", street="N Birch St", full_address="7 N Birch St",
                                jurisdiction=world.elm, lat=3.0003, long=2.5003)
    AddressPoint.objects.create(address_id="S7", number="7", street="S Birch St", full_address="7 S Birch St",
                                jurisdiction=world.county, lat=IN_COUNTY_ONLY[0], long=IN_COUNTY_ONLY[1])


def no_script_page(browser, locale="en-US"):
    context = browser.new_context(java_script_enabled=False, viewport=PHONE, locale=locale,
                                  extra_http_headers={"Accept-Language": locale[:2]})
    return context, context.new_page()


def assert_accessible_without_scripts(browser, url: str, *, locale="en-US", context: str = "") -> None:
    """axe on the page as it is without JavaScript: axe itself needs JavaScript, so the page's own scripts
    are blocked instead of switching JavaScript off (the page renders exactly as it does with it off)."""
    browser_context = browser.new_context(viewport=PHONE, locale=locale,
                                          extra_http_headers={"Accept-Language": locale[:2]})
    try:
        page = browser_context.new_page()
        page.route("**/*.js", lambda route: route.abort())
        page.goto(url)
        expect(page.locator("#map")).to_be_hidden()
        assert_accessible(page, context=context)
    finally:
        browser_context.close()


def test_it_shows_the_matched_address_on_the_map_to_confirm(live_server, tworld, page):
    page.goto(f"{live_server.url}/report/pothole/")
    page.get_by_label("Street address").fill("12 oak stret")
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", name="Is this the right place?")).to_be_visible()
    expect(page.get_by_test_id("resolved-address")).to_have_text("12 Oak Street")
    the_map = page.get_by_role("application", name="Map showing 12 Oak Street")
    expect(the_map).to_be_visible()
    pin = page.get_by_role("img", name="12 Oak Street")
    expect(pin).to_be_visible()
    assert pin.get_attribute("tabindex") is None  # shown, not operated: out of the tab order
    assert_accessible(page, context="address confirmation")

    page.get_by_role("link", name="No, change the address").click()
    expect(page.get_by_label("Street address")).to_have_value("12 oak stret")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Yes, this is the place").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tell us about the problem (Pothole)")
    expect(page.get_by_text("12 Oak Street")).to_be_visible()


def test_it_confirms_the_address_on_a_page_of_its_own_without_javascript(live_server, tworld, browser):
    context, page = no_script_page(browser)
    try:
        page.goto(f"{live_server.url}/report/pothole/")
        page.get_by_label("Street address").fill("12 Oak St")
        page.get_by_role("button", name="Continue").click()
        expect(page.get_by_test_id("resolved-address")).to_have_text("12 Oak Street")
        expect(page.get_by_text("Looked after by Town of Elm.")).to_be_visible()
        expect(page.locator("#map")).to_be_hidden()
        confirm_url = page.url
        page.get_by_role("button", name="Yes, this is the place").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Tell us about the problem (Pothole)")
    finally:
        context.close()
    assert_accessible_without_scripts(browser, confirm_url, context="address confirmation without JavaScript")


def test_it_offers_did_you_mean_choices_with_the_other_jurisdiction_named(live_server, tworld, page):
    birch_streets(tworld)
    page.goto(f"{live_server.url}/report/pothole/")
    page.get_by_label("Street address").fill("7 Brich St")
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", name="Did you mean…?")).to_be_visible()
    group = page.get_by_role("group", name=re.compile("Did you mean one of these"))
    expect(group.get_by_role("radio")).to_have_count(2)
    expect(group).to_contain_text("7 S Birch St (looked after by Maple County)")
    assert_accessible(page, context="did you mean")

    group.locator("label", has_text="7 S Birch St").click()  # USWDS draws the radio on the label
    expect(group.get_by_label(re.compile("^7 S Birch St"))).to_be_checked()
    page.get_by_role("button", name="Use this address").click()
    expect(page.get_by_test_id("resolved-address")).to_have_text("7 S Birch St")
    expect(page.get_by_text("Looked after by Maple County.")).to_be_visible()
    page.get_by_role("button", name="Yes, this is the place").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tell us about the problem (Pothole)")


def test_it_explains_the_map_keys_shows_a_cross_and_says_where_the_pin_fell(live_server, tworld, page):
    page.goto(f"{live_server.url}/report/pothole/")
    the_map = page.get_by_role("application", name="Map: where the problem is")
    expect(the_map).to_be_visible()
    instructions = page.locator("#map-instructions")
    expect(instructions).to_be_visible()
    expect(instructions).to_contain_text("Enter drops the pin at the cross in the middle")
    assert the_map.get_attribute("aria-describedby") == "map-instructions"
    cross = page.locator("#map .cd-crosshair")
    expect(cross).to_be_visible()
    box, map_box = cross.bounding_box(), the_map.bounding_box()
    assert abs((box["x"] + box["width"] / 2) - (map_box["x"] + map_box["width"] / 2)) < 2
    assert abs((box["y"] + box["height"] / 2) - (map_box["y"] + map_box["height"] / 2)) < 2
    assert_accessible(page, context="location map")

    page.evaluate("() => document.getElementById('map').leafletMap.setView([3.0001, 2.5001], 17)")
    the_map.focus()
    page.keyboard.press("Enter")
    status = page.locator("#pin-status")
    assert status.get_attribute("aria-live") == "polite"
    expect(status).to_contain_text("Pin placed near 12 Oak Street")
    expect(page.locator("#id_lat")).to_have_value("3.000100")


def test_it_shows_open_reports_nearby_as_markers_and_a_list(live_server, tworld, page):
    existing = services.submit_request(service_type=tworld.pothole, lat=IN_WEST_ELM[0], long=IN_WEST_ELM[1],
                                       attributes={"depth": "deep"}, description="Hole by the gate",
                                       contact_name="Vera Quill")
    page.goto(f"{live_server.url}/report/graffiti/")
    page.evaluate(f"() => document.getElementById('map').leafletMap.setView([{IN_WEST_ELM[0]}, {IN_WEST_ELM[1]}], 17)")
    listed = page.locator("#reports-near-list")
    expect(listed.get_by_role("link", name="Pothole")).to_have_attribute("href", f"/requests/{existing.public_id}/")
    expect(page.locator("#map path.leaflet-interactive")).to_have_count(1)
    expect(page.get_by_text("Vera Quill")).to_have_count(0)
    assert_accessible(page, context="reports nearby")


def test_it_confirms_and_offers_choices_in_spanish(live_server, tworld, browser, page):
    birch_streets(tworld)
    url = f"{live_server.url}/report/pothole/?address=7+Brich+St"
    context = browser.new_context(viewport=PHONE, locale="es-ES", extra_http_headers={"Accept-Language": "es"})
    spanish = context.new_page()
    try:
        spanish.goto(url)
        expect(spanish.get_by_role("heading", name="¿Quiso decir…?")).to_be_visible()
        expect(spanish.get_by_text("(a cargo de Maple County)")).to_be_visible()
        assert_accessible(spanish, context="did you mean in Spanish")
        spanish.get_by_role("button", name="Usar esta dirección").click()
        expect(spanish.get_by_role("heading", name="¿Es este el lugar correcto?")).to_be_visible()
        expect(spanish.get_by_role("application", name="Mapa que muestra 7 N Birch St")).to_be_visible()
        assert_accessible(spanish, context="confirmation in Spanish")
        confirm_url = spanish.url
        spanish.get_by_role("link", name="No, cambiar la dirección").click()
        expect(spanish.locator("#map-instructions")).to_contain_text("Intro coloca el marcador")
        assert_accessible(spanish, context="location map in Spanish")
    finally:
        context.close()
    assert_accessible_without_scripts(browser, url, locale="es-ES", context="did you mean in Spanish, no script")
    assert_accessible_without_scripts(browser, confirm_url, locale="es-ES",
                                      context="confirmation in Spanish, no script")
