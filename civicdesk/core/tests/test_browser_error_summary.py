"""The error summary in Chromium on a phone, on every public and account form, with and without JavaScript:
after a mistake, focus is on "There is a problem", the title starts "Error:", and (with JavaScript) a link in
the summary takes focus to its field. axe shows no violation."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import pytest
from playwright.sync_api import expect

from civicdesk.servicerequests import services
from civicdesk.testing.axe import assert_no_axe_violations, new_phone_page
from civicdesk.testing.world import IN_EAST_ELM, IN_WEST_ELM

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"


@dataclass
class Form:
    name: str
    path: Callable  # (world) -> path of the page holding the form
    fill: dict = field(default_factory=dict)  # CSS selector -> value typed before sending
    button: str = ""  # the submit button's name ("" when the page already shows the error)
    first_field: str = ""  # the id the summary's first link points to
    signed_in: bool = False


def public_request_path(world) -> str:
    sr = services.submit_request(service_type=world.pothole, lat=IN_WEST_ELM[0], long=IN_WEST_ELM[1],
                                 description="Deep hole", attributes={"depth": "deep"})
    return f"/subscriptions/follow/{sr.public_id}/"


FORMS = [
    Form("report location", lambda w: "/report/pothole/?lat=95&long=3"),
    Form("report details", lambda w: f"/report/pothole/details/?lat={IN_EAST_ELM[0]}&long={IN_EAST_ELM[1]}",
         {"#id_description": "Hole by the bus stop"}, "Send report", "id_attribute_depth"),
    Form("sign in", lambda w: "/account/login/", {"#id_username": "alice@example.org", "#id_password": "wrong"},
         "Sign in"),
    Form("sign up", lambda w: "/account/signup/", {"#id_email": "zoe@"}, "Create account", "id_email"),
    Form("password reset", lambda w: "/account/password-reset/", {"#id_email": "alice@"}, "Send me a link",
         "id_email"),
    Form("password change", lambda w: "/account/settings/password/", {"#id_old_password": "nope"},
         "Change password", "id_old_password", signed_in=True),
    Form("email change", lambda w: "/account/settings/email/", {"#id_email": "alice@"}, "Send the link", "id_email",
         signed_in=True),
    Form("delete account", lambda w: "/account/settings/delete/", {"#id_password": "nope"}, "Delete my account",
         "id_password", signed_in=True),
    Form("area alerts", lambda w: "/alerts/", {"#id_email": "not an address"}, "Subscribe", "id_email"),
    Form("follow", public_request_path, {"#follow_email": "alice@"}, "Follow this request", "follow_email"),
    Form("tracking look-up", lambda w: "/requests/?id=ZZZZ-ZZZZ", first_field="id_id"),
    Form("phone number", lambda w: "/subscriptions/preferences/", {"#id_phone": "12"}, "Text me a code",
         "id_phone", signed_in=True),
]


def sign_in(page, base: str) -> None:
    page.goto(f"{base}/account/login/")
    page.fill("#id_username", "alice@example.org")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My requests")


def show_error(page, base: str, world, form: Form) -> None:
    if form.signed_in:
        sign_in(page, base)
    page.goto(base + form.path(world))
    for selector, value in form.fill.items():
        page.fill(selector, value)
    if form.button:
        page.get_by_role("button", name=form.button, exact=True).click()


@pytest.mark.parametrize("form", FORMS, ids=[f.name for f in FORMS])
def test_it_moves_focus_to_the_summary_without_javascript(live_server, tworld, browser, form):
    page = new_phone_page(browser, javascript=False)
    try:
        show_error(page, live_server.url, tworld, form)
        summary = page.get_by_test_id("error-summary")
        expect(summary).to_be_focused()
        expect(summary.get_by_role("heading")).to_have_text("There is a problem")
        assert page.title().startswith("Error: ")
        if form.first_field:
            expect(summary.locator(f'a[href="#{form.first_field}"]')).to_be_visible()
    finally:
        page.context.close()


@pytest.mark.parametrize("form", FORMS, ids=[f.name for f in FORMS])
def test_it_moves_focus_to_the_summary_and_its_links_to_the_fields(live_server, tworld, browser, form):
    page = new_phone_page(browser)
    try:
        show_error(page, live_server.url, tworld, form)
        summary = page.get_by_test_id("error-summary")
        expect(summary).to_be_focused()
        assert page.title().startswith("Error: ")
        assert_no_axe_violations(page, context=form.name)
        if form.first_field:
            summary.locator(f'a[href="#{form.first_field}"]').first.click()
            expect(page.locator(f"#{form.first_field}")).to_be_focused()
    finally:
        page.context.close()


def test_the_summary_reads_in_spanish(live_server, tworld, browser):
    page = new_phone_page(browser, javascript=False, language="es")
    try:
        page.goto(f"{live_server.url}/account/signup/")
        page.get_by_role("button", name="Crear cuenta").click()
        summary = page.get_by_test_id("error-summary")
        expect(summary).to_be_focused()
        expect(summary.get_by_role("heading")).to_have_text("Hay un problema")
        assert page.title().startswith("Error: ")
        assert_no_axe_violations(page, context="sign-up in Spanish")
    finally:
        page.context.close()
