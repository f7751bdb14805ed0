"""The Content-Security-Policy in Chromium: the report flow and the staff request page run with no
violation, the map loads its tiles from the tile server (another origin) and "use my location" works."""

from __future__ import annotations

import io
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from PIL import Image
from playwright.sync_api import expect

from civicdesk.accounts.models import User
from civicdesk.servicerequests import services
from civicdesk.testing.auth import current_code, totp_device
from civicdesk.testing.world import IN_EAST_ELM, IN_WEST_ELM

pytestmark = pytest.mark.browser

WATCH = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline code"}`);
});
"""
PIN_PIXEL = """([lat, lng]) => {
  const point = document.getElementById("map").leafletMap.latLngToContainerPoint([lat, lng]);
  return {x: point.x, y: point.y};
}"""
TILES_SHOWN = """() => [...document.querySelectorAll("#map img.leaflet-tile")]
  .some((tile) => tile.complete && tile.naturalWidth === 256)"""


@pytest.fixture
def tile_server(settings):
    """A map tile server on another origin (another port) answering every tile with a 256 px PNG."""
    buffer = io.BytesIO()
    Image.new("RGB", (256, 256), (200, 220, 200)).save(buffer, "PNG")
    tile = buffer.getvalue()
    served = []

    class Tiles(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the http.server interface
            served.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(tile)))
            self.end_headers()
            self.wfile.write(tile)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Tiles)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.MAP_TILE_URL = f"http://127.0.0.1:{server.server_port}/{{z}}/{{x}}/{{y}}.png"
    try:
        yield served
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def watched(page):
    """The page, recording CSP violations (the DOM event), console errors and uncaught script errors."""
    page.context.add_init_script(WATCH)
    page.console_errors = []
    page.on("console", lambda message: message.type == "error" and page.console_errors.append(message.text))
    page.on("pageerror", lambda error: page.console_errors.append(f"uncaught: {error}"))
    return page


def assert_no_violation(page, where: str) -> None:
    violations = page.evaluate("() => window.cspViolations")
    # A 404 for /favicon.ico is the only error a page may log; anything the policy blocked is reported as
    # "Refused to ..." and a broken script as an uncaught error.
    errors = [text for text in page.console_errors if not text.startswith("Failed to load resource")]
    assert not violations and not errors, f"{where}: {violations} {errors}"


def assert_map_works(page, tile_server, where: str) -> None:
    expect(page.locator("#map")).to_be_visible()
    page.wait_for_function(TILES_SHOWN)  # tiles came from the tile server's origin, allowed by img-src
    assert any(re.fullmatch(r"/\d+/\d+/\d+\.png", path) for path in tile_server), where
    expect(page.locator("#map .leaflet-marker-icon").first).to_be_visible()


def test_it_runs_the_report_flow_under_the_policy_with_a_working_map(live_server, tworld, watched, tile_server):
    page = watched
    base = live_server.url
    page.context.grant_permissions(["geolocation"], origin=base)
    page.context.set_geolocation({"latitude": IN_WEST_ELM[0], "longitude": IN_WEST_ELM[1]})
    response = page.goto(f"{base}/")
    assert "script-src 'self';" in response.headers["content-security-policy"] + ";"
    assert_no_violation(page, "home")

    page.get_by_role("link", name="Report a problem").first.click()
    page.get_by_label("Search the list").fill("hole")
    page.get_by_role("main").get_by_role("button", name="Search").click()
    expect(page.get_by_role("status")).to_contain_text("1 match")
    assert_no_violation(page, "categories")
    page.get_by_role("link", name=re.compile("^Pothole")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Where is the problem? (Pothole)")

    # A tap on the map, then "Use my location" (geolocation allowed for this site by Permissions-Policy).
    # The heading can show before the deferred map script has run on a busy machine: wait for the map.
    page.wait_for_function("() => document.getElementById('map') && document.getElementById('map').leafletMap")
    page.locator("#map").click(position=page.evaluate(PIN_PIXEL, list(IN_EAST_ELM)))
    expect(page.locator("#pin-status")).to_contain_text("Pin placed")
    assert abs(float(page.locator("#id_long").input_value()) - IN_EAST_ELM[1]) < 0.05
    page.get_by_role("button", name="Use my location").click()
    expect(page.locator("#id_long")).to_have_value(re.compile(r"^2\.5"))
    assert abs(float(page.locator("#id_lat").input_value()) - IN_WEST_ELM[0]) < 0.001
    assert_map_works(page, tile_server, "location step")
    assert_no_violation(page, "location step")

    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tell us about the problem (Pothole)")
    assert_no_violation(page, "details step")


def test_it_shows_the_staff_request_page_and_its_map_under_the_policy(live_server, tworld, watched, tile_server):
    page = watched
    sr = services.submit_request(service_type=tworld.pothole, lat=IN_WEST_ELM[0], long=IN_WEST_ELM[1],
                                 attributes={"depth": "deep"}, description="Deep hole by the school gate")
    device = totp_device(User.objects.get(email="bob@elm.example.gov"))
    page.goto(f"{live_server.url}/account/login/?next=/staff/requests/{sr.public_id}/")
    page.fill("#id_username", "bob@elm.example.gov")
    page.fill("#id_password", "correct horse battery")
    page.get_by_role("button", name="Sign in").click()
    page.fill("#id_token", current_code(device))
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_text("Deep hole by the school gate").first).to_be_visible()
    assert_map_works(page, tile_server, "staff request page")
    assert_no_violation(page, "staff request page")
