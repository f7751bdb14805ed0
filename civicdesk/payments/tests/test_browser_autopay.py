"""Autopay in Chromium: a linked resident enrols through the sandbox and cancels (desktop with JavaScript, phone
without), the mandate recorded and then stopped; axe reports no violation on any page."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from civicdesk.payments import demo
from civicdesk.payments.models import AccountLink, AutopayMandate, BillingAccount
from civicdesk.testing.axe import assert_no_axe_violations, new_phone_page

pytestmark = pytest.mark.browser
PASSWORD = "autopay-in-the-browser"


@pytest.fixture
def linked_resident(tworld, live_server, settings):
    settings.SITE_URL = live_server.url
    settings.PAYMENTS_SANDBOX_ALLOWED = True
    settings.MAP_TILE_URL = ""
    demo.seed(jurisdiction=tworld.elm, today=dt.date.today())
    alice = tworld.alice
    alice.set_password(PASSWORD)
    alice.save()
    AccountLink.objects.create(user=alice, account=BillingAccount.objects.get(number="WS-100-2001"))
    return alice


@pytest.mark.parametrize("device", ["desktop", "phone without JavaScript"])
def test_it_lets_a_resident_enrol_in_autopay_and_cancel_it(linked_resident, live_server, browser, device):
    if device == "desktop":
        page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US").new_page()
        page.set_default_timeout(15000)
    else:
        page = new_phone_page(browser, javascript=False)
    try:
        page.goto(f"{live_server.url}/account/login/?next=/payments/mine/")
        page.fill("#id_username", linked_resident.email)
        page.fill("#id_password", PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", name="My bills", level=1)).to_be_visible()
        page.get_by_role("link", name="Set up autopay").click()
        expect(page.get_by_test_id("mandate-text")).to_contain_text("on each bill's due date")
        assert_no_axe_violations(page, context="autopay authorisation")
        page.get_by_role("button", name="Agree and save a bank account").click()  # no consent: refused
        expect(page.get_by_test_id("error-summary")).to_contain_text("Tick the box")
        assert_no_axe_violations(page, context="autopay without consent")
        page.get_by_text("I have read the authorisation above and I agree to it.").click()
        page.get_by_role("button", name="Agree and save a bank account").click()
        expect(page.get_by_role("heading", name="Sandbox: save a bank account")).to_be_visible()
        assert_no_axe_violations(page, context="sandbox save page")
        page.get_by_role("button", name="Submit").click()
        expect(page.get_by_test_id("autopay-on")).to_be_visible()
        assert_no_axe_violations(page, context="autopay on")
        mandate = AutopayMandate.objects.get(active=True)
        assert mandate.user == linked_resident and mandate.consent_user_agent
        page.get_by_role("button", name="Cancel autopay").click()
        expect(page.get_by_text("Autopay is cancelled. No more bills will be debited.")).to_be_visible()
        assert_no_axe_violations(page, context="autopay cancelled")
        mandate.refresh_from_db()
        assert not mandate.active
    finally:
        page.context.close()
