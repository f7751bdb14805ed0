"""Paying in Chromium: a guest finds and pays a demo bill through the sandbox (desktop with JavaScript, phone
without), a resident links an account and sees history and receipt; axe reports no violation on any page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from civicdesk.payments import demo
from civicdesk.payments.models import Payment
from civicdesk.testing.axe import assert_no_axe_violations, new_phone_page

pytestmark = pytest.mark.browser
PASSWORD = "pay-bills-in-the-browser"


@pytest.fixture
def demo_bills(tworld, live_server, settings):
    settings.SITE_URL = live_server.url
    settings.PAYMENTS_SANDBOX_ALLOWED = True
    settings.MAP_TILE_URL = ""
    demo.seed(jurisdiction=tworld.elm, today=dt.date.today())
    return tworld


def desktop_page(browser):
    page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US").new_page()
    page.set_default_timeout(15000)
    return page


def find_water_bill(page, base: str) -> None:
    page.goto(f"{base}/payments/")
    expect(page.get_by_role("heading", name="Pay a bill", level=1)).to_be_visible()
    assert_no_axe_violations(page, context="find my bill")
    page.get_by_label("Kind of bill").select_option("water_sewer")
    page.get_by_label("Account number").fill("WS-100-2001")
    page.get_by_label("Service postcode").fill("61899")
    page.get_by_label("Amount of your last bill").fill("49.51")
    page.get_by_role("button", name="Find my bill").click()
    expect(page.get_by_role("heading", name="Water and sewer · WS-100-2001")).to_be_visible()


@pytest.mark.parametrize("device", ["desktop", "phone without JavaScript"])
def test_it_lets_a_guest_find_and_pay_a_bill(demo_bills, live_server, browser, device):
    page = desktop_page(browser) if device == "desktop" else new_phone_page(browser, javascript=False)
    try:
        page.goto(f"{live_server.url}/payments/")
        page.get_by_role("button", name="Find my bill").click()  # empty: the error summary
        expect(page.get_by_test_id("error-summary")).to_be_visible()
        assert_no_axe_violations(page, context="find my bill with errors")
        find_water_bill(page, live_server.url)
        assert_no_axe_violations(page, context="account page")
        page.get_by_text(re.compile(r"^Bill WS-2026-12, due")).click()
        page.get_by_text("The full amount owed").click()
        page.get_by_text("Card (fee: 2.50% of the amount)").click()
        page.get_by_label("Email for your receipt").fill("guest-payer@example.org")
        page.get_by_role("button", name="Continue").click()
        expect(page.get_by_role("heading", name="Check and pay")).to_be_visible()
        assert_no_axe_violations(page, context="check and pay")
        page.get_by_role("button", name="Pay $50.75").click()
        expect(page.get_by_role("heading", name="Sandbox payment page")).to_be_visible()
        assert_no_axe_violations(page, context="sandbox page")
        page.get_by_role("button", name="Submit").click()
        expect(page.get_by_text("Thank you. Your payment of $50.75 was received.")).to_be_visible()
        assert_no_axe_violations(page, context="receipt")
        payment = Payment.objects.get(payer_email="guest-payer@example.org")
        assert payment.status == "succeeded" and payment.bill.balance_cents() == 0
    finally:
        page.context.close()


def test_it_lets_a_resident_link_an_account_and_see_history_and_receipt(demo_bills, live_server, browser):
    alice = demo_bills.alice
    alice.set_password(PASSWORD)
    alice.save()
    page = new_phone_page(browser)
    try:
        page.goto(f"{live_server.url}/account/login/?next=/payments/mine/")
        page.fill("#id_username", alice.email)
        page.fill("#id_password", PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", name="My bills", level=1)).to_be_visible()
        assert_no_axe_violations(page, context="my bills, empty")
        page.get_by_role("link", name="Link an account").click()
        assert_no_axe_violations(page, context="link an account")
        page.get_by_label("Kind of bill").select_option("water_sewer")
        page.get_by_label("Account number").fill("WS-100-2001")
        page.get_by_label("Service postcode").fill("61899")
        page.get_by_label("Amount of your last bill").fill("49.51")
        page.get_by_role("button", name="Link this account").click()
        expect(page.get_by_text("Account WS-100-2001 is now linked to your login.")).to_be_visible()
        expect(page.get_by_test_id("linked-account")).to_contain_text("WS-2026-10")
        assert_no_axe_violations(page, context="my bills with an account")
        page.get_by_role("link", name=re.compile(r"^Receipt P-")).first.click()
        expect(page.get_by_role("heading", name="Receipt", level=1)).to_be_visible()
        assert_no_axe_violations(page, context="receipt from history")
    finally:
        page.context.close()
