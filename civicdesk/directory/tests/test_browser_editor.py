"""The directory editor's forms in Chromium (a department profile's hours grid and days with other hours, a
permit's fee lines), in English and Arabic: no axe-core violation at all; "Add a day" adds a numbered blank line
with JavaScript and the saved line comes back; without JavaScript the blank lines are there to fill."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.test import Client
from playwright.sync_api import expect

from civicdesk.content.tests.helpers import editors
from civicdesk.directory.models import DepartmentProfile
from civicdesk.editorial.models import PendingChange
from civicdesk.testing.auth import login_verified
from civicdesk.testing.axe import assert_no_axe_violations, new_phone_page

from .helpers import make_permit, make_profile

pytestmark = pytest.mark.browser


def _signed_in(browser, live_server, user, *, language: str, javascript: bool = True):
    client = Client()
    login_verified(client, user)
    page = new_phone_page(browser, javascript=javascript, language=language)
    page.context.add_cookies([
        {"name": django_settings.SESSION_COOKIE_NAME, "value": client.cookies[django_settings.SESSION_COOKIE_NAME].value,
         "url": live_server.url},
        {"name": "django_language", "value": language, "url": live_server.url}])
    return page


@pytest.mark.parametrize("language", ["en", "ar"])
def test_it_edits_hours_days_and_fees_accessibly(live_server, tworld, browser, language):
    erin, _eve = editors(tworld)
    profile = make_profile(tworld.public_works, special_days=[
        {"date": "2030-12-24", "hours": [["08:00", "12:00"]], "note": {"en": "Christmas Eve"}}])
    permit = make_permit(tworld)
    page = _signed_in(browser, live_server, erin, language=language)
    try:
        page.goto(f"{live_server.url}/staff/content/department/{profile.pk}/")
        expect(page.get_by_test_id("day-mon")).to_be_visible()
        expect(page.locator("#id_hours-mon_opens2")).to_have_value("13:00")
        rows = page.get_by_test_id("rows-special").locator(".cd-rows__row")
        expect(rows).to_have_count(4)
        assert_no_axe_violations(page, context=f"the department profile editor ({language})")
        page.get_by_test_id("rows-special").locator(".cd-rows__add").click()
        expect(rows).to_have_count(5)
        expect(page.locator("#id_special-4-date")).to_be_focused()
        expect(page.locator('input[name="special-TOTAL_FORMS"]')).to_have_value("5")
        page.locator("#id_special-4-date").fill("2030-12-31")
        page.locator("#id_special-4-name__en").fill("New Year's Eve zqnewyear")
        page.locator("#id_special-4-closed").check()
        page.locator('button[name="save"]').click()
        expect(page.locator("#id_special-1-name__en")).to_have_value("New Year's Eve zqnewyear")
        # The profile is published: the edit waits as its pending change, the live days stay as they were.
        expect(page.get_by_test_id("pending-change")).to_be_visible()
        assert [day["date"] for day in PendingChange.objects.get(object_id=profile.pk).data["special_days"]] == [
            "2030-12-24", "2030-12-31"]
        assert [day["date"] for day in DepartmentProfile.objects.get(pk=profile.pk).special_days] == ["2030-12-24"]
        assert_no_axe_violations(page, context=f"the department profile editor after saving ({language})")

        page.goto(f"{live_server.url}/staff/content/permit/{permit.pk}/")
        expect(page.locator("#id_fees-1-amount")).to_have_value("25.50")
        assert_no_axe_violations(page, context=f"the permit editor ({language})")
    finally:
        page.context.close()


def test_it_offers_blank_lines_without_javascript(live_server, tworld, browser):
    erin, _eve = editors(tworld)
    permit = make_permit(tworld)
    page = _signed_in(browser, live_server, erin, language="en", javascript=False)
    try:
        page.goto(f"{live_server.url}/staff/content/permit/{permit.pk}/")
        expect(page.get_by_test_id("rows-fees").locator(".cd-rows__add")).to_be_hidden()
        page.locator("#id_fees-2-covers__en").fill("Reinspection zqreinspect")
        page.locator("#id_fees-2-amount").fill("10")
        page.locator('button[name="save"]').click()
        expect(page.locator("#id_fees-2-amount")).to_have_value("10.00")
        assert_no_axe_violations(page, context="the permit editor without JavaScript")
    finally:
        page.context.close()
