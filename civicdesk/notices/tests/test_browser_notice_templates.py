"""Notice templates in Chromium: an admin writes one (with Arabic text), then starts a notice from it without
JavaScript (a plain GET form) and sees the form filled in; axe reports no violation (any impact) on each page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from civicdesk.notices.models import NoticeTemplate
from civicdesk.staff.tests.people import seat_people
from civicdesk.staff.tests.test_browser_console import sign_in
from civicdesk.testing.axe import assert_no_axe_violations, new_phone_page

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("javascript", [True, False])
def test_it_writes_a_template_and_starts_a_notice_from_it(live_server, tworld, browser, settings, javascript):
    settings.MAP_TILE_URL = ""
    seats = seat_people(tworld)
    page = new_phone_page(browser, javascript=javascript)
    try:
        sign_in(page, live_server.url, seats.admin.email)
        page.goto(f"{live_server.url}/notices/staff/templates/")
        expect(page.get_by_role("heading", name="Notice templates", level=1)).to_be_visible()
        assert_no_axe_violations(page, context="notice templates, empty")
        page.get_by_role("link", name="Write a template").click()
        assert_no_axe_violations(page, context="template form")
        page.fill("#id_name", "Park closure")
        page.fill("#id_slug", "park-closure")
        page.select_option("#id_severity", "info")
        page.fill("#id_title_en", "Elm Park is closed")
        page.fill("#id_body_en", "Closed for tree work; other parks stay open.")
        page.fill("#id_title_ar", "حديقة إلم مغلقة")
        page.fill("#id_body_ar", "مغلقة لأعمال الأشجار.")
        page.get_by_role("button", name="Save the template").click()
        expect(page.get_by_test_id("template-park-closure")).to_contain_text("Park closure")
        assert_no_axe_violations(page, context="notice templates")

        page.goto(f"{live_server.url}/notices/staff/new/")
        page.select_option("#id_template", label="Park closure")
        page.get_by_role("button", name="Use this template").click()
        expect(page.locator("#id_title_en")).to_have_value("Elm Park is closed")
        expect(page.locator("#id_title_ar")).to_have_value("حديقة إلم مغلقة")
        expect(page.locator("#id_severity")).to_have_value("info")
        assert_no_axe_violations(page, context="notice form from a template")
    finally:
        page.context.close()
    assert NoticeTemplate.objects.get().body_ar == "مغلقة لأعمال الأشجار."
