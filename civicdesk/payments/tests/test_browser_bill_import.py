"""Bill import end to end in Chromium on a phone: an administrator uploads the billing system's messy export, the
real task worker imports it, the import's page shows the counts and the rejected rows with their reasons. axe
reports no violation (any impact) on either page."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from civicdesk.jurisdictions.models import StaffMembership
from civicdesk.onboarding.tests.test_browser_onboarding import sign_in
from civicdesk.payments.models import Bill
from civicdesk.testing.axe import assert_no_axe_violations, new_phone_page
from civicdesk.testing.fixtures import run_worker

pytestmark = pytest.mark.browser
MESSY = Path(__file__).parent / "data" / "bills_messy.csv"


def test_it_uploads_a_bill_file_and_shows_what_was_imported_and_rejected(live_server, tworld, browser):
    admin = tworld.bob
    StaffMembership.objects.create(user=admin, jurisdiction=tworld.elm, role=StaffMembership.Role.ADMIN)
    page = new_phone_page(browser)
    try:
        sign_in(page, live_server.url, admin, next_url="/staff/bills/imports/", heading="Import bills")
        assert_no_axe_violations(page, context="bill import upload")
        page.get_by_label("Bill file (CSV)").set_input_files(str(MESSY))
        page.get_by_label("Jurisdiction").select_option(label="Town of Elm")
        page.get_by_role("button", name="Upload and import").click()
        expect(page.get_by_role("heading", name="Bill import: bills_messy.csv", level=1)).to_be_visible()
        assert_no_axe_violations(page, context="bill import waiting for the worker")

        run_worker()
        assert Bill.objects.count() == 4
        page.reload()
        expect(page.get_by_test_id("loaded")).to_have_text("4")
        expect(page.get_by_test_id("rejected")).to_have_text("9")
        expect(page.get_by_test_id("rejects")).to_contain_text("“boat slip” is not an account kind")
        assert_no_axe_violations(page, context="bill import finished, with rejected rows")
    finally:
        page.context.close()
