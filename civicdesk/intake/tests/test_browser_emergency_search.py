"""In a phone-sized browser: the 911 stop with a dialling link, 911 on category search (with and without
JavaScript), and the forgiving category search in English and Spanish; axe finds no violations."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from civicdesk.servicerequests.models import ServiceRequest
from civicdesk.testing.world import IN_EAST_ELM
from civicdesk.triage.services import load_emergency_phrases

pytestmark = pytest.mark.browser


def assert_no_violations(page, context: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(page).response["violations"]
    assert violations == [], f"{context}: " + "; ".join(
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}" for v in violations)


@pytest.fixture
def no_js_page(browser, settings):
    settings.MAP_TILE_URL = ""
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-US", java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(15000)
    try:
        yield page
    finally:
        context.close()


def test_it_stops_a_gas_smell_on_the_details_step_with_a_link_that_dials_911(live_server, tworld, page):
    load_emergency_phrases()
    lat, long = IN_EAST_ELM
    page.goto(f"{live_server.url}/report/pothole/details/?lat={lat}&long={long}")
    page.get_by_label("Describe the problem").fill("smells like gas near the meter")
    page.get_by_label("How deep is it?").select_option("deep")
    page.get_by_role("button", name="Send report").click()

    alert = page.get_by_test_id("emergency")
    expect(alert).to_have_attribute("role", "alert")
    call = alert.get_by_role("link", name="911")
    expect(call).to_have_attribute("href", "tel:911")
    expect(call).to_be_visible()
    assert ServiceRequest.objects.count() == 0
    assert_no_violations(page, "details step, emergency")


def test_it_says_call_911_as_the_resident_types_an_emergency_in_the_search(live_server, tworld, page):
    load_emergency_phrases()
    page.goto(f"{live_server.url}/report/")
    alert = page.get_by_test_id("search-emergency")
    expect(alert).to_be_hidden()
    page.get_by_label("Search the list").fill("i can smell gas")
    expect(alert).to_be_visible()
    expect(alert.get_by_role("link", name="911")).to_have_attribute("href", "tel:911")
    assert_no_violations(page, "category page, live emergency")
    page.get_by_label("Search the list").fill("pothole")
    expect(alert).to_be_hidden()


def check_served_page(page, url: str, context: str) -> None:
    """axe needs JavaScript: check the very page the no-JavaScript browser got, opened in a normal one."""
    page.goto(url)
    assert_no_violations(page, context)


def test_it_says_call_911_on_the_home_page_search_without_javascript(live_server, tworld, no_js_page, page):
    load_emergency_phrases()
    no_js_page.goto(f"{live_server.url}/")
    no_js_page.get_by_label("What is the problem?").fill("gas leak")
    no_js_page.get_by_role("main").get_by_role("button", name="Search").click()
    expect(no_js_page).to_have_url(re.compile(r"/report/\?q=gas\+leak$"))
    alert = no_js_page.get_by_test_id("search-emergency")
    expect(alert).to_be_visible()
    expect(alert.get_by_role("link", name="911")).to_have_attribute("href", "tel:911")
    check_served_page(page, no_js_page.url, "category page, emergency, no JavaScript")


def test_it_finds_categories_forgivingly_as_the_resident_types(live_server, tworld, page):
    page.goto(f"{live_server.url}/report/")
    search = page.get_by_label("Search the list")
    results = page.locator("#search-results li a")
    search.fill("potholes on my street")
    expect(results.first).to_contain_text("Pothole")
    expect(page.locator("#search-status")).to_contain_text("for “potholes on my street”")
    search.fill("grafitti")
    expect(results).to_have_count(1)
    expect(results.first).to_contain_text("Graffiti")
    assert_no_violations(page, "category page, live results")
    results.first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Where is the problem? (Graffiti)")


def test_it_finds_categories_by_spanish_words_on_the_spanish_page(live_server, tworld, page):
    page.goto(f"{live_server.url}/report/")
    page.get_by_text("Menu", exact=True).click()  # on a phone the language choice is in the header's menu
    page.get_by_label("Language").select_option("es")
    page.get_by_role("button", name="Change language").click()
    search = page.get_by_label("Buscar en la lista")
    search.fill("baches")
    results = page.locator("#search-results li a")
    expect(results.first).to_contain_text("Bache")
    search.fill("recogida de basura")
    expect(results.first).to_contain_text("Recogida no realizada")
    assert_no_violations(page, "Spanish category page, live results")
    search.press("Enter")  # the same ranking from the server
    expect(page).to_have_url(re.compile(r"q=recogida"))
    expect(page.locator("#search-results li a").first).to_contain_text("Recogida no realizada")


def test_it_ranks_the_same_without_javascript(live_server, tworld, no_js_page, page):
    no_js_page.goto(f"{live_server.url}/report/?q=bache")
    expect(no_js_page.locator("#search-results li a").first).to_contain_text("Pothole")
    expect(no_js_page.get_by_role("status")).to_contain_text("1 match for “bache”.")
    check_served_page(page, no_js_page.url, "category page, results, no JavaScript")
