"""The public shell in a real browser: the phone menu, the pages every site has, the location step and
area alerts without JavaScript, the map in Spanish. Every page checked has no axe violation at all."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from civicdesk.testing.world import IN_WEST_ELM

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
PIN_PIXEL = """([lat, lng]) => {
  const point = document.getElementById("map").leafletMap.latLngToContainerPoint([lat, lng]);
  return {x: point.x, y: point.y};
}"""


def assert_no_violations(page, context: str = "") -> None:
    """axe-core finds nothing on the page, whatever its impact."""
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(page).response["violations"]
    assert not violations, f"axe {context} on {page.url}: " + "; ".join(
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}" for v in violations)


@pytest.fixture
def open_page(browser, live_server, settings):
    """open_page(path, language="en", javascript=True, viewport=PHONE) -> a page showing that path."""
    settings.MAP_TILE_URL = ""
    contexts = []

    def opener(path: str, *, language: str = "en", javascript: bool | str = True, viewport=PHONE):
        """javascript=False turns it off in the browser (axe cannot run there); "blocked" keeps it on for
        axe but refuses every script file of the page, which shows the page as it is without JavaScript."""
        context = browser.new_context(viewport=viewport, locale="en-US", java_script_enabled=bool(javascript))
        if javascript == "blocked":
            context.route(re.compile(r"\.js(\?|$)"), lambda route: route.abort())
        context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15000)
        page.goto(live_server.url + path)
        return page

    yield opener
    for context in contexts:
        context.close()


@pytest.mark.parametrize(("language", "help_text"), [
    ("en", "Type the street address of the problem, or the nearest address to it."),
    ("es", "Escriba la dirección del problema, o la dirección más cercana."),
])
def test_it_asks_for_an_address_with_no_dead_button_without_javascript(open_page, tworld, language, help_text):
    page = open_page("/report/pothole/", language=language, javascript=False)
    expect(page.locator("#map-help")).to_have_text(help_text)
    expect(page.locator("#use-my-location")).to_be_hidden()
    expect(page.locator("#map")).to_be_hidden()
    assert not re.search(r"drop a pin|pin on the map|marque un punto", page.locator("main").inner_text(), re.I)
    continue_button = page.locator("main form button[type=submit]")
    assert continue_button.bounding_box()["y"] + continue_button.bounding_box()["height"] <= PHONE["height"]
    blocked = open_page("/report/pothole/", language=language, javascript="blocked")
    expect(blocked.locator("#use-my-location")).to_be_hidden()
    assert_no_violations(blocked, f"[{language} no-JS location]")


@pytest.mark.parametrize(("language", "help_text"), [
    ("en", "Type an address to choose the center of your area, or pick a whole district."),
    ("es", "Escriba una dirección para elegir el centro de su zona, o elija un distrito entero."),
])
def test_it_offers_area_alerts_by_address_without_javascript(open_page, tworld, language, help_text):
    page = open_page("/alerts/", language=language, javascript=False)
    expect(page.locator("#map-help")).to_have_text(help_text)
    expect(page.locator("#use-my-location")).to_be_hidden()
    text = page.locator("main").inner_text()
    assert not re.search(r"drop a pin|metres|centre|\(pothole\)", text, re.I)
    assert_no_violations(open_page("/alerts/", language=language, javascript="blocked"), f"[{language} no-JS alerts]")


def test_it_speaks_of_the_map_once_there_is_one(open_page, tworld):
    page = open_page("/report/pothole/")
    expect(page.locator("#map")).to_be_visible()
    expect(page.locator("#map-help")).to_contain_text("use the map")


@pytest.mark.parametrize("javascript", [True, False])
def test_it_opens_the_phone_menu_with_its_button(open_page, tworld, javascript):
    page = open_page("/", javascript=javascript)
    header = page.locator("header.cd-header").bounding_box()
    assert header["height"] <= 100
    report_link = page.locator("header").get_by_role("link", name="Report a problem")
    expect(report_link).to_be_hidden()
    menu = page.get_by_text("Menu", exact=True)
    menu.click()
    expect(report_link).to_be_visible()
    expect(page.get_by_label("Language")).to_be_visible()
    if javascript:
        assert_no_violations(page, "[menu open]")
    menu.click()
    expect(report_link).to_be_hidden()


def test_it_opens_the_menu_from_the_keyboard(open_page, tworld):
    page = open_page("/", language="es")
    page.locator("header .cd-brand").focus()
    page.keyboard.press("Tab")
    expect(page.locator("summary.cd-menu__button")).to_be_focused()
    expect(page.locator("summary.cd-menu__button")).to_have_text("Menú")
    page.keyboard.press("Enter")
    expect(page.locator("header").get_by_role("link", name="Reportar un problema")).to_be_visible()


def test_it_shows_the_whole_menu_without_a_button_on_a_desktop(open_page, tworld):
    page = open_page("/report/pothole/", viewport=DESKTOP)
    expect(page.locator("summary.cd-menu__button")).to_be_hidden()
    expect(page.locator("header").get_by_role("link", name="Track a request")).to_be_visible()
    assert page.locator("header.cd-header").bounding_box()["height"] <= 100
    assert page.locator("#map").bounding_box()["width"] >= 900
    assert_no_violations(page, "[desktop location]")


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize(("path", "heading"), [
    ("/help/", {"en": "Help", "es": "Ayuda"}),
    ("/contact/", {"en": "Contact us", "es": "Contáctenos"}),
    ("/privacy/", {"en": "Privacy notice", "es": "Aviso de privacidad"}),
    ("/accessibility/", {"en": "Accessibility statement", "es": "Declaración de accesibilidad"}),
    ("/terms/", {"en": "Terms of use", "es": "Condiciones de uso"}),
])
def test_it_shows_each_page_every_site_has(open_page, tworld, path, heading, language):
    tworld.county.phone, tworld.county.email = "(309) 555-0142", "help@maple.example.gov"
    tworld.county.save()
    page = open_page(path, language=language, javascript="blocked")
    expect(page.get_by_role("heading", level=1)).to_have_text(heading[language])
    expect(page.locator("html")).to_have_attribute("lang", language)
    footer = page.locator("footer")
    for link in ["/help/", "/contact/", "/privacy/", "/accessibility/", "/terms/"]:
        expect(footer.locator(f'a[href="{link}"]')).to_be_visible()
    assert_no_violations(page, f"[{language} {path}]")


def test_it_dials_and_mails_the_city_from_the_contact_page(open_page, tworld):
    tworld.county.phone, tworld.county.email = "(309) 555-0142", "help@maple.example.gov"
    tworld.county.save()
    page = open_page("/contact/")
    expect(page.get_by_role("link", name="(309) 555-0142").first).to_have_attribute("href", "tel:+13095550142")
    expect(page.get_by_role("link", name="help@maple.example.gov")).to_have_attribute(
        "href", "mailto:help@maple.example.gov")


def test_it_translates_the_map_controls(open_page, tworld):
    page = open_page("/report/pothole/", language="es")
    expect(page.locator("#map")).to_be_visible()
    expect(page.locator(".leaflet-control-zoom-in")).to_have_attribute("title", "Acercar")
    expect(page.locator(".leaflet-control-zoom-out")).to_have_attribute("title", "Alejar")
    prefix = page.locator(".leaflet-control-attribution a").first
    expect(prefix).to_have_text("Leaflet")
    expect(prefix).to_have_attribute("title", "Leaflet, una biblioteca de JavaScript para mapas interactivos")
    assert_no_violations(page, "[es map]")


@pytest.mark.parametrize(("language", "said"), [("en", "Pin placed near 12 Oak Street."),
                                                ("es", "Se marcó el punto cerca de 12 Oak Street.")])
def test_it_names_the_nearest_address_where_the_pin_lands(open_page, tworld, language, said):
    page = open_page("/report/pothole/", language=language)
    the_map = page.locator("#map")
    expect(the_map).to_be_visible()
    page.wait_for_function("() => document.getElementById('map') && document.getElementById('map').leafletMap")
    page.evaluate("([lat, lng]) => document.getElementById('map').leafletMap.setView([lat, lng], 18)",
                  list(IN_WEST_ELM))
    the_map.click(position=page.evaluate(PIN_PIXEL, [3.00012, 2.50008]))
    expect(page.locator("#pin-status")).to_have_text(said)
    assert not re.search(r"\d+\.\d{4,}", page.locator("#pin-status").inner_text())
