"""The insights page in Chromium: a supervisor signs in with two factors, finds the hotspot, files proactive work;
axe reports no violation (any impact) with and without JavaScript."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from civicdesk.accounts.models import User
from civicdesk.insights.models import ProactiveWork
from civicdesk.insights.services import run_detection
from civicdesk.staff.tests.people import PASSWORD, seat_people
from civicdesk.testing.auth import current_code, totp_device
from civicdesk.testing.axe import assert_no_axe_violations, new_phone_page

from .helpers import cluster

pytestmark = pytest.mark.browser


def sign_in(page, base: str, email: str) -> None:
    device = totp_device(User.objects.get(email=email))
    page.goto(f"{base}/account/login/?next=/staff/")
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.fill("#id_token", current_code(device))
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("heading", name="Staff console")).to_be_visible()


@pytest.fixture
def found(tworld):
    cluster(tworld)
    run_detection()
    return seat_people(tworld)


def test_it_lets_a_supervisor_find_a_hotspot_and_file_proactive_work(live_server, found, browser, settings):
    settings.MAP_TILE_URL = ""
    page = new_phone_page(browser)
    try:
        sign_in(page, live_server.url, found.supervisor.email)
        page.get_by_role("link", name="Hotspots and trends").click()
        expect(page.get_by_role("heading", name="Hotspots and trends", level=1)).to_be_visible()
        cells = page.get_by_test_id("table-cells")
        expect(cells.get_by_text("around 12 Oak Street")).to_be_visible()
        expect(page.locator("#insights-map")).to_be_visible()  # the optional map, with JavaScript
        expect(page.locator("#insights-map path.leaflet-interactive")).to_have_count(1)  # the flagged cell
        assert_no_axe_violations(page, context="insights page")

        cells.get_by_role("link", name="Pothole").click()
        expect(page.get_by_test_id("observed")).to_contain_text("8")
        assert_no_axe_violations(page, context="hotspot page")
        page.get_by_label("Description of the work").fill("Fill every hole around 12 Oak Street")
        page.get_by_label("How deep is it?").select_option("deep")
        page.get_by_role("button", name="File the request").click()
        expect(page.get_by_text("filed and routed")).to_be_visible()
        work = ProactiveWork.objects.get()
        expect(page.get_by_test_id("work")).to_contain_text(work.request.public_id)
        assert_no_axe_violations(page, context="hotspot page with its work")
    finally:
        page.context.close()


def test_it_works_without_javascript(live_server, found, browser, settings):
    settings.MAP_TILE_URL = ""
    page = new_phone_page(browser, javascript=False)
    try:
        sign_in(page, live_server.url, found.admin.email)
        page.goto(f"{live_server.url}/staff/insights/")
        expect(page.locator("#insights-map")).to_be_hidden()
        filters = page.get_by_role("search", name="Filter hotspots")
        filters.get_by_label("Kind of problem").select_option(label="Pothole")
        filters.get_by_role("button", name="Filter").click()
        expect(page.get_by_test_id("table-cells").get_by_text("around 12 Oak Street")).to_be_visible()
        assert_no_axe_violations(page, context="filtered insights page without JavaScript")
    finally:
        page.context.close()
