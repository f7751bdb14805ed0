"""Services A–Z, a service page, a permit page, the departments directory and a department page in Chromium on a
phone, in English and Spanish: no axe-core violation at all; the filter box narrows the list with JavaScript,
the letter index works without it; the department map starts (and the address and directions stand without
JavaScript)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from civicdesk.catalog.models import Priority
from civicdesk.testing.axe import assert_no_axe_violations, new_phone_page

from .helpers import make_guide, make_permit, make_profile

pytestmark = pytest.mark.browser


def _content(world):
    world.public_works.phone = "(217) 555-0140"
    world.public_works.email = "works@elm.example.gov"
    world.public_works.save()
    make_profile(world.public_works, special_days=[{"date": "2030-01-02", "note": {"en": "Inventory",
                                                                                    "es": "Inventario"}}])
    make_profile(world.sanitation)
    make_permit(world)
    make_guide(world.pothole, world.elm, not_covers={"en": "Private driveways.", "es": "Entradas privadas."})
    world.graffiti.default_priority = Priority.URGENT
    world.graffiti.save()


def _page(browser, live_server, language, javascript=True):
    page = new_phone_page(browser, javascript=javascript, language=language)
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    return page


@pytest.mark.parametrize("language", ["en", "es"])
def test_it_shows_the_directory_pages_accessibly(live_server, tworld, browser, settings, language):
    settings.MAP_TILE_URL = ""
    _content(tworld)
    page = _page(browser, live_server, language)
    base = live_server.url
    try:
        page.goto(f"{base}/services/?in=elm")
        expect(page.locator("html")).to_have_attribute("lang", language)
        expect(page.get_by_test_id("az-list").locator("li")).to_have_count(4)
        expect(page.locator("#az-filter")).to_be_visible()
        # The filter box (a search input, which USWDS floats) leaves the letter index on the page.
        expect(page.get_by_role("link", name="P", exact=True)).to_be_in_viewport()
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
        assert_no_axe_violations(page, context=f"services A–Z ({language})")
        page.locator("#az-filter-input").fill("graf")
        expect(page.get_by_test_id("az-list").locator("li:visible")).to_have_count(1)
        expect(page.locator("#az-filter-status")).not_to_be_empty()
        page.locator("#az-filter-input").fill("zzzz")
        expect(page.locator("#az-none")).to_be_visible()
        assert_no_axe_violations(page, context=f"services A–Z, filtered to nothing ({language})")

        page.goto(f"{base}/services/pothole/")
        expect(page.get_by_test_id("report-this")).to_be_visible()
        expect(page.get_by_test_id("handlers").get_by_role("link").first).to_be_visible()
        assert_no_axe_violations(page, context=f"a service page ({language})")
        page.get_by_test_id("report-this").click()
        expect(page).to_have_url(f"{base}/report/pothole/")

        page.goto(f"{base}/services/graffiti/")
        expect(page.get_by_test_id("emergency")).to_be_visible()
        assert_no_axe_violations(page, context=f"an emergency service page ({language})")

        page.goto(f"{base}/services/permits/fence-permit/")
        expect(page.get_by_test_id("fees").locator("tbody tr")).to_have_count(2)
        assert_no_axe_violations(page, context=f"a permit page ({language})")

        page.goto(f"{base}/departments/")
        expect(page.get_by_test_id("departments-elm").locator("li")).to_have_count(2)
        assert_no_axe_violations(page, context=f"the departments directory ({language})")

        page.goto(f"{base}/departments/elm/public-works/")
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
        page.wait_for_function("() => document.getElementById('map') && document.getElementById('map').leafletMap")
        expect(page.locator("#map")).to_be_visible()
        expect(page.get_by_test_id("hours").locator("tbody tr")).to_have_count(7)
        expect(page.locator("a[href^='tel:']").first).to_be_visible()
        assert_no_axe_violations(page, context=f"a department page ({language})")
    finally:
        page.context.close()


def test_it_works_without_javascript(live_server, tworld, browser, settings):
    settings.MAP_TILE_URL = ""
    _content(tworld)
    page = _page(browser, live_server, "en", javascript=False)
    base = live_server.url
    try:
        page.goto(f"{base}/services/?in=elm")
        expect(page.locator("#az-filter")).to_be_hidden()
        expect(page.get_by_test_id("az-list").locator("li")).to_have_count(4)
        page.get_by_role("link", name="P", exact=True).click()
        expect(page).to_have_url(f"{base}/services/?in=elm#letter-P")
        assert_no_axe_violations(page, context="services A–Z without JavaScript")
        page.goto(f"{base}/departments/elm/public-works/")
        expect(page.locator("#map")).to_be_hidden()
        expect(page.get_by_test_id("address")).to_contain_text("1 Oak Street")
        expect(page.get_by_role("link", name="Directions (OpenStreetMap)")).to_be_visible()
        assert_no_axe_violations(page, context="a department page without JavaScript")
    finally:
        page.context.close()
