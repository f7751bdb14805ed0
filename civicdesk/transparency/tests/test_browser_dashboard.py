"""The dashboard in Chromium: no axe-core violations at all (phone and desktop, English and Spanish), filters
that work by a plain form submit, and tables readable with JavaScript off."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from civicdesk.servicerequests import services
from civicdesk.testing.world import IN_EAST_ELM, IN_WEST_ELM
from civicdesk.transparency import rollups

pytestmark = pytest.mark.browser


def no_violations(page, context: str) -> None:
    violations = Axe().run(page).response["violations"]
    assert not violations, f"axe on {context}: " + "; ".join(
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}" for v in violations)


@pytest.fixture
def counted(tworld):
    for kind, where in (("graffiti", IN_WEST_ELM), ("graffiti", IN_EAST_ELM), ("pothole", IN_WEST_ELM)):
        extra = {"attributes": {"depth": "deep"}} if kind == "pothole" else {}
        request = services.submit_request(service_type=getattr(tworld, kind), lat=where[0], long=where[1], **extra)
    services.transition(request, tworld.statuses["fixed"], force=True)
    rollups.sync_rollups()
    return tworld


def test_it_passes_axe_and_filters_through_the_form(live_server, counted, page):
    page.goto(f"{live_server.url}/dashboard/")
    expect(page.get_by_role("heading", level=1)).to_have_text("How the city is doing")
    expect(page.get_by_test_id("summary-received")).to_have_text("3")
    no_violations(page, "dashboard, phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # tables scroll inside their region
    page.get_by_label("Kind of problem", exact=True).select_option(label="Graffiti")
    page.get_by_label("Period", exact=True).select_option(label="Last 30 days")
    page.get_by_role("button", name="Show").click()
    assert "type=graffiti" in page.url and "period=30" in page.url
    expect(page.get_by_test_id("summary-received")).to_have_text("2")
    expect(page.get_by_test_id("summary-open_backlog")).to_have_text("2")
    no_violations(page, "dashboard filtered, phone")
    page.set_viewport_size({"width": 1280, "height": 900})
    no_violations(page, "dashboard filtered, desktop")
    page.goto(f"{live_server.url}/dashboard/?type=no-such-kind")
    expect(page.get_by_text("This filter was ignored.")).to_be_visible()
    no_violations(page, "dashboard with an ignored filter")


def test_it_passes_axe_in_spanish(live_server, counted, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="es-ES",
                                  extra_http_headers={"Accept-Language": "es"})
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/dashboard/?period=365")
        expect(page.locator("html")).to_have_attribute("lang", "es")
        no_violations(page, "dashboard in Spanish")
    finally:
        context.close()


def test_it_shows_every_table_with_javascript_off(live_server, counted, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/dashboard/")
        for table in ("weekly-table", "backlog-table", "kinds-table"):
            expect(page.get_by_test_id(table)).to_be_visible()
        expect(page.get_by_test_id("kinds-table")).to_contain_text("Graffiti")
        page.get_by_label("Jurisdiction", exact=True).select_option(label="Town of Elm")
        page.get_by_role("button", name="Show").click()
        assert "jurisdiction=elm" in page.url
        expect(page.get_by_test_id("summary-received")).to_have_text("3")
        with page.expect_download() as download:
            page.get_by_role("link", name="Download this table (CSV)").nth(2).click()
        assert download.value.suggested_filename.startswith("dashboard-backlog-")
    finally:
        context.close()
