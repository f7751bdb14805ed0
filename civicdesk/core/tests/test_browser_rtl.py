"""Arabic in Chromium: every page of the sweep is right to left, passes axe with no violation at all, and its
mirrored parts really are mirrored (logo on the right, labels aligned right, Latin fields left to right, the map's
controls on the right, charts drawn from the right). Set CIVICDESK_SCREENSHOTS to a folder to keep screenshots."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from civicdesk.servicerequests import services
from civicdesk.staff.tests.test_browser_console import sign_in
from civicdesk.testing.axe import assert_no_axe_violations
from civicdesk.testing.world import IN_EAST_ELM, IN_WEST_ELM
from civicdesk.transparency import rollups

pytestmark = pytest.mark.browser

SCREENSHOTS = os.environ.get("CIVICDESK_SCREENSHOTS", "")
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture
def reported(tworld):
    """A few public requests (a fixed one among them) so the map, dashboard and queue show something."""
    for kind, where in (("graffiti", IN_WEST_ELM), ("graffiti", IN_EAST_ELM), ("pothole", IN_WEST_ELM)):
        extra = {"attributes": {"depth": "deep"}} if kind == "pothole" else {}
        request = services.submit_request(service_type=getattr(tworld, kind), lat=where[0], long=where[1],
                                          description="حفرة عميقة في ممر الدراجات", **extra)
    services.transition(request, tworld.statuses["fixed"], force=True)
    rollups.sync_rollups()
    return request


def pages(base: str, tracked) -> list[tuple[str, str, str]]:
    """(name, address, a selector proving the page is the one meant)."""
    details = f"/report/pothole/details/?lat={IN_EAST_ELM[0]}&long={IN_EAST_ELM[1]}"
    return [
        ("home", "/", "#track-id"),
        ("report-kind", "/report/", ".cd-category"),
        ("report-where", "/report/pothole/", "#map"),
        ("report-details", details, "#id_description"),
        ("tracking", tracked.get_absolute_url(), "[data-testid=tracking-number], .cd-tracking-number, h1"),
        ("map", "/map/", ".leaflet-container"),
        ("dashboard", "/dashboard/", "svg.chart"),
        ("search", "/search/?q=pothole", "main h1"),
        ("staff-queue", "/staff/", "main h1"),
    ]


def box(page, selector: str) -> dict:
    found = page.locator(selector).first
    expect(found).to_be_visible()
    return found.bounding_box()


def text_edges(locator) -> dict:
    """The left and right edges of an element's words (not of its box, which may be the full width)."""
    return locator.evaluate("el => { const r = document.createRange(); r.selectNodeContents(el);"
                            " const b = r.getBoundingClientRect(); return {left: b.left, right: b.right}; }")


def arabic_page(browser, live_server, viewport: str):
    """A page in Arabic (by the language cookie) at `viewport`; close its .context after."""
    context = browser.new_context(viewport=VIEWPORTS[viewport], locale="ar")
    context.add_cookies([{"name": "django_language", "value": "ar", "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(15000)
    return page


def style(page, selector: str, prop: str) -> str:
    return page.locator(selector).first.evaluate(f"el => getComputedStyle(el).{prop}")


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
def test_it_lays_out_every_page_right_to_left_in_arabic(live_server, tworld, reported, browser, viewport):
    # English until signed in (sign_in() finds its buttons by their English names), then Arabic by the cookie.
    context = browser.new_context(viewport=VIEWPORTS[viewport], locale="en-US")
    page = context.new_page()
    page.set_default_timeout(15000)
    try:
        sign_in(page, live_server.url, tworld.bob.email)  # in English; the staff queue is swept in Arabic below
        context.add_cookies([{"name": "django_language", "value": "ar", "url": live_server.url}])
        failures = []
        for name, path, proof in pages(live_server.url, reported):
            page.goto(live_server.url + path)
            expect(page.locator(proof).first, name).to_be_visible()
            expect(page.locator("html"), name).to_have_attribute("dir", "rtl")
            expect(page.locator("html"), name).to_have_attribute("lang", "ar")
            if SCREENSHOTS:
                Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
                page.screenshot(path=f"{SCREENSHOTS}/ar-{viewport}-{name}.png", full_page=True)
            try:
                assert_no_axe_violations(page, context=f"[ar {viewport} {name}]")
            except AssertionError as exc:
                failures.append(str(exc))
        assert not failures, "\n".join(failures)
    finally:
        page.context.close()


def test_it_mirrors_the_header_forms_map_and_charts(live_server, tworld, reported, browser):
    width = VIEWPORTS["desktop"]["width"]
    page = arabic_page(browser, live_server, "desktop")
    try:
        page.goto(f"{live_server.url}/")
        logo, language = box(page, ".cd-brand__logo"), box(page, "#language-select")
        assert logo["x"] > width / 2 > language["x"], "the logo starts the header on the right, the switcher ends it"
        # The tracking number is Latin: typed left to right although the page is right to left.
        assert style(page, "#track-id", "direction") == "ltr"

        page.goto(f"{live_server.url}/report/pothole/details/?lat={IN_EAST_ELM[0]}&long={IN_EAST_ELM[1]}")
        field = box(page, "#id_description")
        words = text_edges(page.locator("label[for=id_description]"))
        assert abs(words["right"] - (field["x"] + field["width"])) < 2, "a label's words start at the field's right"
        assert words["left"] > field["x"] + 20
        assert style(page, "label[for=id_description]", "direction") == "rtl"
        assert style(page, "#id_email", "direction") == "ltr"
        assert style(page, "#id_phone", "direction") == "ltr"
        hint = box(page, "#id_email")
        assert hint["x"] + hint["width"] > width / 2, "the email field lines up with the right-aligned form"
        page.locator("#id_description").fill("I smell a gas leak")
        page.locator("#id_attribute_depth").select_option("deep")
        page.locator("main form.usa-form button[type=submit]").click()
        # The tick box (the label's ::before) sits at the label's right, with the room for it on that side.
        padding = page.locator("label[for=id_not_emergency]").evaluate(
            "el => { const s = getComputedStyle(el); return [parseFloat(s.paddingLeft), parseFloat(s.paddingRight)]; }")
        assert padding[1] > padding[0], padding

        page.goto(f"{live_server.url}/map/")
        canvas, zoom = box(page, ".leaflet-container"), box(page, ".leaflet-control-zoom")
        assert style(page, ".leaflet-container", "direction") == "ltr", "Leaflet's canvas stays left to right"
        assert zoom["x"] > canvas["x"] + canvas["width"] / 2, "the zoom buttons are on the map's right"

        page.goto(f"{live_server.url}/dashboard/")
        chart = page.locator("svg.chart").first
        assert chart.get_attribute("direction") == "ltr"
        first_label = chart.locator("text").first
        assert first_label.get_attribute("text-anchor") == "start", "chart labels are anchored from the right"
    finally:
        page.context.close()


def test_it_opens_the_phone_menu_on_the_right_hand_side(live_server, tworld, browser):
    width = VIEWPORTS["phone"]["width"]
    page = arabic_page(browser, live_server, "phone")
    try:
        page.goto(f"{live_server.url}/")
        logo, button = box(page, ".cd-brand__logo"), box(page, ".cd-menu__button")
        assert logo["x"] > width / 2 > button["x"] + button["width"], "logo on the right, Menu on the left"
        page.locator(".cd-menu__button").click()
        link = page.get_by_role("link", name="الإبلاغ عن مشكلة").first
        expect(link).to_be_visible()
        words = text_edges(link)
        assert words["right"] > width - 40 and words["left"] > width / 3, "menu links start on the right"
        if SCREENSHOTS:
            page.screenshot(path=f"{SCREENSHOTS}/ar-phone-home-menu-open.png")
        assert_no_axe_violations(page, context="[ar phone menu open]")
    finally:
        page.context.close()
