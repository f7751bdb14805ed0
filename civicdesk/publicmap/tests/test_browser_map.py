"""The public map in Chromium: counts per area, zooming into a count down to the requests themselves, the list
with JavaScript off, and axe-core on both pages (axe runs as a script, so on the pages with JavaScript on)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from civicdesk.testing.axe import assert_no_axe_violations as assert_accessible

from .helpers import make_request

pytestmark = pytest.mark.browser

def requests_around(world, count: int = 24) -> list:
    """A cluster of potholes and graffiti a few tens of meters apart in West Elm."""
    return [make_request(world, lat=3.0 + (i % 6) * 0.0002, long=2.5 + (i // 6) * 0.0002,
                         service_type=world.graffiti if i % 3 == 0 else world.pothole) for i in range(count)]


def test_it_shows_counts_then_the_requests_as_the_reader_zooms_in(live_server, tworld, page):
    made = requests_around(tworld)
    refused = []  # the Content-Security-Policy allows no inline script or style: nothing may be refused
    page.on("console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text
            else None)
    page.goto(f"{live_server.url}/map/")
    the_map = page.get_by_role("region", name="Map of requests")
    expect(the_map).to_be_visible()
    expect(page.get_by_test_id("list-link")).to_be_visible()
    page.evaluate("document.getElementById('requests-map').leafletMap.setView([3.0005, 2.5005], 12)")
    expect(the_map).to_have_attribute("data-points", "0")
    cell = page.locator(".cd-cell").first
    expect(cell).to_have_text(str(len(made)))
    expect(page.get_by_test_id("map-status")).to_contain_text(f"Showing {len(made)} requests")
    assert_accessible(page, context="map with counts")

    # A count is a button: Enter (or a click) zooms into its area, until the requests show one by one.
    for _ in range(4):
        if page.locator("#requests-map").get_attribute("data-points") not in (None, "0"):
            break
        page.locator(".cd-cell").first.focus()
        page.keyboard.press("Enter")
        page.wait_for_function("() => document.getElementById('requests-map').leafletMap.getZoom() > 12")
        page.wait_for_timeout(600)  # the map's own debounce before it asks again
    expect(the_map).not_to_have_attribute("data-points", "0")
    assert page.evaluate("document.getElementById('requests-map').leafletMap.getZoom()") >= 15
    # Each request is a focusable marker named by its number, kind and status: Enter opens its link, focused.
    point = page.locator("#requests-map .cd-point").first
    expect(point).to_have_attribute("tabindex", "0")
    assert "·" in point.get_attribute("aria-label")
    point.focus()
    page.keyboard.press("Enter")
    popup = page.locator(".leaflet-popup-content a")
    expect(popup).to_contain_text("·")
    expect(popup).to_be_focused()
    href = popup.get_attribute("href")
    assert href in {sr.get_absolute_url() for sr in made}
    # The popup fades in: axe measures contrast once it is fully shown.
    page.wait_for_function("() => getComputedStyle(document.querySelector('.leaflet-popup')).opacity === '1'")
    assert_accessible(page, context="map with requests")
    assert refused == []

    # The address follows the view, so a copied link opens the same place; the filter form keeps it too.
    page.wait_for_function("() => Number(new URL(location.href).searchParams.get('zoom')) >= 15")
    shared = page.url
    zoom = page.evaluate("document.getElementById('requests-map').leafletMap.getZoom()")
    page.goto("about:blank")
    page.goto(shared)
    page.wait_for_function("() => document.getElementById('requests-map').leafletMap !== undefined")
    assert page.evaluate("document.getElementById('requests-map').leafletMap.getZoom()") == zoom
    assert page.locator("form.cd-map-filters input[type=hidden][name=zoom]").get_attribute("value") == str(zoom)

    # The list (axe needs a script, so it is checked here; the list without one is the next test).
    page.get_by_test_id("list-link").click()
    expect(page.get_by_test_id("request-list").locator("tbody tr")).to_have_count(len(made))
    assert_accessible(page, context="list")


def test_it_filters_and_pages_the_list_without_javascript(live_server, tworld, browser, settings):
    settings.MAP_TILE_URL = ""
    made = requests_around(tworld, count=3)
    closed = make_request(tworld, status=tworld.statuses["fixed"], service_type=tworld.graffiti)
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844}, locale="en-US")
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/map/")
        expect(page.locator("#requests-map")).to_be_hidden()  # no script, no empty map
        page.get_by_role("link", name="See these requests as a list").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("List of requests")
        rows = page.get_by_test_id("request-list").locator("tbody tr")
        expect(rows).to_have_count(len(made) + 1)

        page.get_by_label("Status").select_option("closed")
        page.get_by_role("button", name="Show requests").click()
        expect(rows).to_have_count(1)
        expect(rows.first).to_contain_text(closed.public_id)
        assert "status=closed" in page.url
        page.get_by_role("link", name=closed.public_id).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Graffiti")
    finally:
        context.close()


def test_it_asks_for_whole_tiles_which_the_rollup_answers(live_server, tworld, page):
    from urllib.parse import parse_qs, urlparse

    from civicdesk.publicmap import rollup, services
    from civicdesk.transparency import rollups

    made = requests_around(tworld, count=12)
    rollups.sync_rollups()
    make_request(tworld, lat=3.0003, long=2.5003)  # after the sync: the roll-up does not hold it yet
    asked = []
    page.on("request", lambda request: asked.append(request.url) if "/map/cells.json" in request.url else None)
    page.goto(f"{live_server.url}/map/")
    page.evaluate("document.getElementById('requests-map').leafletMap.setView([3.0005, 2.5005], 12)")
    expect(page.locator(".cd-cell").first).to_have_text(str(len(made)))
    expect(page.get_by_test_id("map-status")).to_contain_text(f"Showing {len(made)} requests")
    query = parse_qs(urlparse(asked[-1]).query)
    zoom, box = int(query["zoom"][0]), services.BBox.parse(query["bbox"][0])
    assert zoom == 12 and rollup.aligned(box, 360 / 2 ** zoom)

    rollups.sync_rollups()  # the next sync brings it in (a new view: the same one may come from the browser's cache)
    page.evaluate("document.getElementById('requests-map').leafletMap.setView([3.0005, 2.5005], 11)")
    expect(page.locator(".cd-cell").first).to_have_text(str(len(made) + 1))
