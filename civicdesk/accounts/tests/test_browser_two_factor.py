"""Two-factor enrolment in Chromium: scan-or-type the key, confirm a code, see the recovery codes; axe on each page."""

from __future__ import annotations

import base64

import pytest
from django_otp.oath import totp
from playwright.sync_api import expect

from civicdesk.testing.fixtures import assert_accessible

pytestmark = pytest.mark.browser


def test_it_enrols_a_staff_member_from_the_printed_key(live_server, tworld, page):
    page.goto(f"{live_server.url}/account/login/?next=/staff/")
    page.fill("#id_username", "bob@elm.example.gov")
    page.fill("#id_password", "correct horse battery")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Set up two-factor sign-in")).to_be_visible()
    expect(page.locator(".civicdesk-qr svg")).to_be_visible()
    assert_accessible(page, context="enrolment page")

    # What a person typing the key into an authenticator app would get.
    secret = page.get_by_test_id("totp-secret").inner_text().strip()
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    page.fill("#id_token", f"{totp(key):06d}")
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    assert page.get_by_test_id("recovery-codes").locator("li").count() == 10
    assert_accessible(page, context="recovery codes page")

    page.get_by_role("link", name="I have saved my codes, continue").click()
    expect(page.get_by_role("heading", name="Staff console")).to_be_visible()
