"""The search box in every page's header, in Chromium: typed and sent by keyboard, suggestions as you type
(a combobox: arrows, Enter, Escape, the count announced), inside the menu on a phone, a tracking number that
opens its request, in English and Spanish, with no axe-core violation."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from civicdesk.notices.models import ServiceNotice
from civicdesk.notices.tests.helpers import make_notice
from civicdesk.search.services import sync_all
from civicdesk.servicerequests import services as sr_services
from civicdesk.testing.axe import assert_no_axe_violations, new_phone_page
from civicdesk.testing.world import IN_EAST_ELM

pytestmark = pytest.mark.browser


def _content(world) -> None:
    make_notice(world, title_en="Leaf collection starts Monday", kind=ServiceNotice.Kind.NEWS,
                title_es="La recolección de hojas empieza el lunes", body_en="Rake leaves to the curb.")
    make_notice(world, title_en="Leaf vacuum route", kind=ServiceNotice.Kind.NEWS,
                title_es="Ruta de aspiración de hojas")
    sync_all()


def test_it_suggests_as_you_type_and_is_used_by_keyboard(live_server, tworld, page):
    _content(tworld)
    page.set_viewport_size({"width": 1280, "height": 900})  # a desktop: the magnifier opens the box
    page.goto(f"{live_server.url}/")
    box = page.get_by_role("combobox", name="Search this site")
    expect(box).to_be_hidden()
    page.locator("header summary.cd-search-toggle__button").click()
    expect(box).to_be_focused()
    expect(box).to_have_attribute("aria-expanded", "false")
    assert_no_axe_violations(page, context="header search, closed")
    page.keyboard.type("lea")
    listbox = page.get_by_role("listbox", name="Suggestions")
    expect(listbox).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    expect(listbox.get_by_role("option")).to_have_count(2)
    expect(page.locator("[aria-live]").filter(has_text="2 suggestions.")).to_have_count(1)
    assert_no_axe_violations(page, context="header search, suggestions open")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    second = listbox.get_by_role("option").nth(1)
    expect(second).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", second.get_attribute("id"))
    page.keyboard.press("ArrowUp")
    expect(listbox.get_by_role("option").first).to_have_attribute("aria-selected", "true")
    page.keyboard.press("Escape")
    expect(listbox).to_be_hidden()
    expect(box).to_have_attribute("aria-expanded", "false")
    expect(box).to_be_focused()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Leaf")
    assert "/search/" not in page.url
    # Enter without choosing a suggestion sends the query to the results page.
    page.locator("header summary.cd-search-toggle__button").click()
    box = page.get_by_role("combobox", name="Search this site")
    box.fill("leaf collection")
    box.press("Enter")
    expect(page.get_by_test_id("search-results").get_by_role("heading", level=3).first).to_have_text(
        "Leaf collection starts Monday")


def test_it_opens_a_tracking_number_from_the_header(live_server, tworld, page):
    request = sr_services.submit_request(service_type=tworld.pothole, lat=IN_EAST_ELM[0], long=IN_EAST_ELM[1],
                                         attributes={"depth": "deep"}, description="Hole by the library")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/")
    page.locator("header summary.cd-search-toggle__button").click()
    box = page.get_by_role("combobox", name="Search this site")
    box.fill(request.public_id.lower())
    box.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/requests/{request.public_id}/")


def test_it_sits_in_the_phone_menu_in_spanish_and_works_without_javascript(live_server, tworld, browser):
    _content(tworld)
    for javascript in (True, False):
        page = new_phone_page(browser, javascript=javascript, language="es")
        try:
            page.goto(f"{live_server.url}/")
            search = page.get_by_label("Buscar en este sitio")
            expect(search).to_be_hidden()  # inside the closed menu
            page.get_by_text("Menú").click()
            expect(search).to_be_visible()
            assert_no_axe_violations(page, context=f"phone menu open, javascript={javascript}")
            search.fill("recoleccion hojas")
            page.get_by_role("banner").get_by_role("button", name="Buscar").click()
            expect(page.get_by_test_id("search-results").get_by_role("heading", level=3).first).to_have_text(
                "La recolección de hojas empieza el lunes")
            assert_no_axe_violations(page, context="results in Spanish")
        finally:
            page.context.close()
