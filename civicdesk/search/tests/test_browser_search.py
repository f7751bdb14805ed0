"""Site search in Chromium: from the footer link, typed and sent by keyboard alone, filtered, paged and read
without JavaScript, in both languages, with no axe-core violation at all."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from civicdesk.notices.models import ServiceNotice
from civicdesk.notices.tests.helpers import make_notice
from civicdesk.search.services import sync_all
from civicdesk.testing.axe import assert_no_axe_violations, new_phone_page

pytestmark = pytest.mark.browser


def _content(world) -> None:
    make_notice(world, title_en="Leaf collection starts Monday", kind=ServiceNotice.Kind.NEWS,
                title_es="La recolección de hojas empieza el lunes",
                body_en="Rake leaves to the curb by 7 a.m. Bagged leaves go out with yard waste.")
    for n in range(23):
        make_notice(world, title_en=f"Leaf vacuum route {n}", kind=ServiceNotice.Kind.NEWS)
    sync_all()


def test_it_searches_by_keyboard_and_filters(live_server, tworld, page):
    _content(tworld)
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Search this site").last.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Search this site")
    assert_no_axe_violations(page, context="empty search page")
    page.get_by_label("Search this site").focus()
    page.keyboard.type("leaves collection")
    page.keyboard.press("Enter")
    results = page.get_by_test_id("search-results")
    expect(results.get_by_role("heading", level=3).first).to_have_text("Leaf collection starts Monday")
    expect(results.locator("mark").first).to_be_visible()
    assert_no_axe_violations(page, context="results")
    # Partial matches: no page has both words, so pages with either are shown and the page says so.
    page.goto(f"{live_server.url}/search/?q=leaf+zebra")
    expect(page.get_by_test_id("partial")).to_be_visible()
    page.get_by_role("link", name="News and service notices (24)").click()
    expect(page.get_by_role("link", name="News and service notices (24)")).to_have_attribute("aria-current", "page")
    page.get_by_role("link", name="More results").click()
    expect(page.get_by_text("Page 2 of 2")).to_be_visible()
    assert_no_axe_violations(page, context="second page")


def test_it_works_without_javascript_on_a_phone_in_spanish(live_server, tworld, browser):
    _content(tworld)
    page = new_phone_page(browser, javascript=False, language="es")
    try:
        page.goto(f"{live_server.url}/search/")
        page.get_by_label("Buscar en este sitio").fill("recoleccion hojas")
        page.get_by_role("button", name="Buscar").click()
        expect(page.get_by_test_id("search-results").get_by_role("heading", level=3).first).to_have_text(
            "La recolección de hojas empieza el lunes")
        page.goto(f"{live_server.url}/search/?q=" + "x" * 201)
        expect(page.get_by_test_id("error-summary")).to_contain_text("Use como máximo 200 caracteres.")
    finally:
        page.context.close()
