"""Getting back into an account, in Chromium on a phone: password reset by the emailed link (in Spanish,
without JavaScript), changing the email address, and deleting the account; axe shows no violation."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from civicdesk.accounts.models import User
from civicdesk.servicerequests import services
from civicdesk.testing.axe import assert_no_axe_violations, new_phone_page
from civicdesk.testing.fixtures import run_worker
from civicdesk.testing.world import IN_WEST_ELM

pytestmark = pytest.mark.browser

NEW_PASSWORD = "plum orchard lantern 84"


def body(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def sign_in(page, base: str, email: str, password: str, *, button: str = "Sign in") -> None:
    page.goto(f"{base}/account/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", password)
    page.get_by_role("button", name=button).click()


@pytest.mark.parametrize("javascript", [False, True], ids=["nojs", "js"])
def test_a_spanish_speaker_resets_a_forgotten_password(live_server, tworld, browser, smtp_server, javascript):
    tworld.alice.language = "es"
    tworld.alice.save()
    page = new_phone_page(browser, javascript=javascript, language="es")
    try:
        page.goto(f"{live_server.url}/account/login/")
        page.get_by_role("link", name="¿Olvidó su contraseña?").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Restablezca su contraseña")
        assert_no_axe_violations(page, context="reset request")
        page.get_by_label("Correo electrónico").fill("alice@example.org")
        page.get_by_role("button", name="Envíenme un enlace").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Revise su correo electrónico")
        assert_no_axe_violations(page, context="reset sent")

        run_worker()
        [message] = smtp_server.wait_for(1)
        assert message["Subject"] == "Restablezca su contraseña"
        page.goto(re.search(r"https?://\S+/account/reset/\S+/", body(message)).group(0).replace(
            "http://127.0.0.1:8000", live_server.url))
        expect(page.get_by_role("heading", level=1)).to_have_text("Elija una contraseña nueva")
        page.locator("#id_new_password1").fill(NEW_PASSWORD)
        page.locator("#id_new_password2").fill("otra cosa distinta 12")
        page.get_by_role("button", name="Guardar la contraseña nueva").click()
        expect(page.get_by_test_id("error-summary")).to_be_focused()
        expect(page.get_by_test_id("error-summary")).to_contain_text("Hay un problema")
        assert page.title().startswith("Error: ")
        assert_no_axe_violations(page, context="reset confirm with an error")

        page.locator("#id_new_password1").fill(NEW_PASSWORD)
        page.locator("#id_new_password2").fill(NEW_PASSWORD)
        page.get_by_role("button", name="Guardar la contraseña nueva").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Su contraseña se cambió")
        assert_no_axe_violations(page, context="reset complete")

        sign_in(page, live_server.url, "alice@example.org", NEW_PASSWORD, button="Iniciar sesión")
        expect(page.get_by_role("heading", level=1)).to_have_text("Mis solicitudes")
    finally:
        page.context.close()


def test_a_resident_changes_their_email_address(live_server, tworld, browser, smtp_server):
    page = new_phone_page(browser)
    try:
        sign_in(page, live_server.url, "alice@example.org", "correct horse battery")
        page.get_by_role("link", name="Your account").click()
        assert_no_axe_violations(page, context="account page")
        page.get_by_role("link", name="Change your email address").click()
        page.get_by_label("New email address").fill("alice.liddell@example.net")
        page.get_by_label("Your current password").fill("correct horse battery")
        page.get_by_role("button", name="Send the link").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Check your new email address")
        assert_no_axe_violations(page, context="email change sent")

        confirm, notice = smtp_server.wait_for(2)
        assert (confirm["To"], notice["To"]) == ("alice.liddell@example.net", "alice@example.org")
        page.goto(re.search(r"https?://\S+/account/email/\S+/", body(confirm)).group(0).replace(
            "http://127.0.0.1:8000", live_server.url))
        assert_no_axe_violations(page, context="email change confirm")
        page.get_by_role("button", name="Use this address").click()
        expect(page.get_by_role("status")).to_contain_text("Your email address is now alice.liddell@example.net.")
    finally:
        page.context.close()
    assert User.objects.get(pk=tworld.alice.pk).email == "alice.liddell@example.net"


def test_a_resident_deletes_their_account_without_javascript(live_server, tworld, browser):
    report = services.submit_request(service_type=tworld.pothole, lat=IN_WEST_ELM[0], long=IN_WEST_ELM[1],
                                     description="Deep hole", attributes={"depth": "deep"}, reporter=tworld.alice,
                                     contact_name="Alice", contact_phone="555-0142")
    page = new_phone_page(browser, javascript=False)
    try:
        sign_in(page, live_server.url, "alice@example.org", "correct horse battery")
        page.goto(f"{live_server.url}/account/settings/")
        page.get_by_role("link", name="Delete your account").click()
        expect(page.get_by_text("the problems you reported stay")).to_be_visible()
        assert_no_axe_violations(page, context="delete account")
        page.get_by_label("Your current password").fill("correct horse")
        page.get_by_role("button", name="Delete my account").click()
        expect(page.get_by_test_id("error-summary")).to_be_focused()
        assert_no_axe_violations(page, context="delete account with an error")
        page.get_by_label("Your current password").fill("correct horse battery")
        page.get_by_role("button", name="Delete my account").click()
        expect(page.get_by_role("status")).to_contain_text("Your account is closed.")
        page.get_by_text("Menu", exact=True).click()  # on a phone the header's links are in its menu
        expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    finally:
        page.context.close()
    report.refresh_from_db()
    assert (report.reporter, report.contact_name, report.contact_phone) == (None, "", "")
    assert not User.objects.get(pk=tworld.alice.pk).is_active
