"""An administrator sets a type's inspection requirement in Chromium on a phone (no axe-core violation on the
list, the page, its error summary and in Arabic, right to left)."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from playwright.sync_api import expect

from civicdesk.applications.tests.helpers import fence_type
from civicdesk.insights.tests.test_browser_insights import sign_in
from civicdesk.inspections.models import InspectionRule
from civicdesk.staff.tests.people import seat_people
from civicdesk.testing.axe import assert_no_axe_violations, new_phone_page

pytestmark = pytest.mark.browser


def test_it_turns_the_requirement_on_from_the_list(live_server, tworld, browser):
    base = live_server.url
    kind = fence_type(tworld)
    admin = seat_people(tworld).admin
    page = new_phone_page(browser)
    sign_in(page, base, admin.email)
    page.goto(f"{base}/staff/inspections/settings/")
    expect(page.get_by_test_id("inspection-rules")).to_contain_text("Not needed")
    assert_no_axe_violations(page, context="inspection requirements")
    page.get_by_role("link", name="Fence permit").click()
    page.locator("label", has_text="This type needs a passed inspection").click()
    page.get_by_role("button", name="Save the inspection requirement").click()
    expect(page.get_by_test_id("error-summary")).to_contain_text("Choose the department whose inspectors")
    assert_no_axe_violations(page, context="inspection requirement refused")
    page.get_by_label("Inspectors' department").select_option(str(tworld.public_works.pk))
    decision = next(step for step in kind.ordered_steps() if step.kind == "decision")
    page.get_by_label("The inspection must pass before this step is finished").select_option(str(decision.pk))
    page.get_by_role("button", name="Save the inspection requirement").click()
    expect(page.get_by_test_id("rule-state")).to_contain_text("Public Works")
    assert InspectionRule.objects.get().before_step == decision
    page.context.add_cookies([{"name": django_settings.LANGUAGE_COOKIE_NAME, "value": "ar", "url": base}])
    page.reload()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.get_by_role("heading", level=1)).to_contain_text("شرط الفحص")
    assert_no_axe_violations(page, context="inspection requirement in Arabic")
