"""Accessibility (axe-core) of every public page of the resident flow, in English, Spanish and Arabic."""

from __future__ import annotations

import io
import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from playwright.sync_api import expect

from civicdesk.servicerequests import services
from civicdesk.servicerequests.models import ServiceRequest
from civicdesk.testing.fixtures import assert_accessible
from civicdesk.testing.world import IN_EAST_ELM, IN_WEST_ELM

pytestmark = pytest.mark.browser

# Set CIVICDESK_SCREENSHOTS to a folder to keep a phone-sized screenshot of every page swept.
SCREENSHOTS = os.environ.get("CIVICDESK_SCREENSHOTS", "")


def jpeg(name: str = "pothole.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (120, 110, 100)).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def open_pothole(world, **extra) -> ServiceRequest:
    """An open pothole at West Elm, a few metres from 12 Oak Street."""
    data = dict(service_type=world.pothole, lat=IN_WEST_ELM[0], long=IN_WEST_ELM[1],
                description="Deep hole in the cycle lane", attributes={"depth": "deep"})
    data.update(extra)
    return services.submit_request(**data)


def sweep(page, base: str, world) -> list[tuple[str, Callable[[], object], str]]:
    """Every public page of the flow as (name, how to reach it from the page before, a selector
    that proves the page is in the state meant)."""
    details = f"{base}/report/pothole/details/?lat={IN_EAST_ELM[0]}&long={IN_EAST_ELM[1]}"
    tracked = open_pothole(world, uploads=[jpeg()], reporter=world.alice)
    send = page.locator("main form.usa-form button[type=submit]")

    def visit(path: str) -> Callable[[], object]:
        return lambda: page.goto(base + path)

    def details_with_errors():
        page.goto(details)
        send.click()

    def contact_warning():
        page.goto(details)
        page.locator("#id_description").fill("Deep hole, call me on 217-555-0148")
        page.locator("#id_attribute_depth").select_option("deep")
        send.click()

    def emergency():
        page.goto(details)
        page.locator("#id_description").fill("I smell a gas leak")
        page.locator("#id_attribute_depth").select_option("deep")
        send.click()

    def confirm_not_an_emergency():
        page.locator("label[for=id_not_emergency]").click()
        send.click()

    def sign_in_as_alice():
        page.goto(f"{base}/account/login/")
        page.locator("#id_username").fill(world.alice.email)
        page.locator("#id_password").fill("correct horse battery")
        page.locator("main button[type=submit]").click()

    return [
        ("home", visit("/"), "#track-id"),
        ("categories", visit("/report/"), ".cd-category"),
        ("category-search", visit("/report/?q=hole"), "main p[role=status]"),
        ("category-search-empty", visit("/report/?q=zebra"), "#search-results > p"),
        ("location", visit("/report/pothole/"), "#map"),
        ("location-not-found", visit("/report/pothole/?address=9+Nowhere+Ln"), ".usa-alert--error"),
        ("location-confirm", visit("/report/pothole/?address=12+Oak+Stret"), "[data-testid=resolved-address]"),
        ("location-nearby", visit("/report/pothole/?address=12+Oak+Street&address_id=A1&confirmed=1"), ".cd-nearby li"),
        ("details", visit(details.removeprefix(base)), "#id_attribute_depth"),
        ("details-errors", details_with_errors, ".usa-error-message"),
        ("details-contact-warning", contact_warning, "[data-testid=contact-warning]"),
        ("details-emergency", emergency, "[data-testid=emergency]"),
        ("tracking-just-submitted", confirm_not_an_emergency, "[data-testid=tracking-number]"),
        ("tracking", visit(tracked.get_absolute_url()), ".cd-photos img"),
        ("lookup", visit("/requests/"), "#id_id"),
        ("lookup-not-found", visit("/requests/?id=ZZZZ-ZZZZ"), ".usa-alert--error"),
        ("sign-in", visit("/account/login/"), "#id_username"),
        ("sign-up", visit("/account/signup/"), "#id_password"),
        ("sign-up-sent", visit("/account/signup/sent/"), "main h1"),
        ("my-requests", sign_in_as_alice, "table.usa-table"),
    ]


@pytest.mark.parametrize("language", ["en", "es", "ar"])
def test_it_finds_no_serious_accessibility_problem_on_any_page(live_server, tworld, page, language):
    cookie = {"name": "django_language", "value": language, "url": live_server.url}
    page.context.add_cookies([cookie])
    failures = []
    for name, reach, proof in sweep(page, live_server.url, tworld):
        reach()
        expect(page.locator(proof).first, name).to_be_visible()
        expect(page.locator("html"), name).to_have_attribute("lang", language)
        if SCREENSHOTS:
            Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=f"{SCREENSHOTS}/{language}-{name}.png", full_page=True)
        try:
            assert_accessible(page, context=f"[{language} {name}]")
        except AssertionError as exc:
            failures.append(str(exc))
    assert not failures, "\n".join(failures)


def test_it_switches_the_site_to_spanish_with_the_header_form(live_server, tworld, page):
    page.goto(f"{live_server.url}/report/")
    page.get_by_text("Menu", exact=True).click()  # on a phone the language form is in the header menu
    page.get_by_label("Language").select_option("es")
    page.get_by_role("button", name="Change language").click()

    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page).to_have_url(f"{live_server.url}/report/")
    expect(page.get_by_role("link", name=re.compile("^Bache"))).to_be_visible()
    expect(page.get_by_role("heading", name="Calles")).to_be_visible()
