"""The agent's intake in Chromium (phone size): kinds by name, the caller's name offered, the address
confirmed with the caller on the map, then filed; axe on every step, in English and Spanish."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from civicdesk.accounts.models import User
from civicdesk.servicerequests import services
from civicdesk.testing.fixtures import assert_accessible
from civicdesk.testing.world import IN_WEST_ELM

from .test_browser_console import PASSWORD, sign_in

pytestmark = pytest.mark.browser


def agent(world) -> User:
    from civicdesk.jurisdictions.models import StaffMembership

    user = User.objects.create_user(email="ann@elm.example.gov", password=PASSWORD, first_name="Ann", is_staff=True)
    StaffMembership.objects.create(user=user, jurisdiction=world.elm, role=StaffMembership.Role.AGENT)
    return user


def test_it_confirms_the_callers_address_on_the_map_before_filing(live_server, tworld, page):
    agent(tworld)
    services.submit_request(service_type=tworld.graffiti, lat=IN_WEST_ELM[0], long=IN_WEST_ELM[1],
                            contact_name="Rosa Díaz", contact_phone="+15550100199", language="es")
    sign_in(page, live_server.url, "ann@elm.example.gov")
    page.get_by_role("link", name="Take a report by phone or at the counter").click()
    page.get_by_label("Caller's phone").fill("555-010-0199")
    kinds = page.get_by_label("Kind of request")
    assert kinds.locator("optgroup").count() >= 1 and "(pothole)" not in kinds.inner_text()
    kinds.select_option(label="Pothole")
    page.get_by_label("Where is the problem?").fill("14 oak stret")
    page.get_by_role("button", name="Look up").click()

    expect(page.get_by_test_id("known-caller")).to_contain_text("name Rosa Díaz")
    expect(page.get_by_test_id("resolved-address")).to_have_text("14 Oak Street")
    expect(page.get_by_role("application", name="Map showing 14 Oak Street")).to_be_visible()
    assert_accessible(page, context="agent address confirmation")
    page.get_by_role("button", name="Yes, this is the place").click()

    expect(page.get_by_test_id("confirmed-address")).to_contain_text("14 Oak Street")
    expect(page.get_by_role("application", name="Map: where the problem is")).to_be_visible()
    expect(page.locator("#map-instructions")).to_be_visible()
    expect(page.get_by_label("Caller's name")).to_have_value("Rosa Díaz")
    expect(page.get_by_label("Caller's language")).to_have_value("es")
    assert_accessible(page, context="agent report form with map")
    page.get_by_label("How deep is it?").select_option("shallow")
    page.get_by_role("button", name="File the request").click()
    expect(page.get_by_text("Read the tracking number back to the caller")).to_be_visible()
    filed = tworld.pothole.requests.get()
    assert (filed.address, filed.address_id, filed.language) == ("14 Oak Street", "A2", "es")
    assert filed.contact_name == "Rosa Díaz"


def test_it_shows_the_intake_confirmation_in_spanish(live_server, tworld, browser, page):
    agent(tworld)
    sign_in(page, live_server.url, "ann@elm.example.gov")
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="es-ES",
                                  extra_http_headers={"Accept-Language": "es"})
    context.add_cookies(page.context.cookies())  # the same signed-in session, read in Spanish
    spanish = context.new_page()
    try:
        spanish.goto(f"{live_server.url}/staff/intake/?service_type={tworld.pothole.pk}&address=14+Oak+Street")
        expect(spanish.get_by_role("heading", name="¿Es este el lugar correcto?")).to_be_visible()
        expect(spanish.get_by_role("application", name="Mapa que muestra 14 Oak Street")).to_be_visible()
        assert_accessible(spanish, context="agent confirmation in Spanish")
        spanish.get_by_role("button", name="Sí, este es el lugar").click()
        expect(spanish.get_by_role("application", name="Mapa: dónde está el problema")).to_be_visible()
        assert_accessible(spanish, context="agent report form in Spanish")
    finally:
        context.close()
