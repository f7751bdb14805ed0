"""A licence renewal in Chromium, every page with no axe-core violation: the renewal reminder's link, the
prefilled form, the documents carried over, sending, the staff's approval, the new licence (starting where the
old one ends) on the verification page and in the public register and its map."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from civicdesk.applications import demo, registers, renewals, services
from civicdesk.applications.models import Application
from civicdesk.insights.tests.test_browser_insights import sign_in
from civicdesk.notifications.models import Delivery
from civicdesk.staff.tests.people import seat_people
from civicdesk.testing.axe import assert_no_axe_violations

from .helpers import tick_all
from .test_browser_fence_permit import resident_signs_in

pytestmark = pytest.mark.browser


def test_it_renews_a_licence_from_the_reminder_to_the_new_permit(live_server, tworld, browser, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.MAP_TILE_URL = ""
    settings.SITE_URL = live_server.url
    seats = seat_people(tworld)
    dog = demo.build_dog_licence(tworld.elm, review_department=tworld.public_works)
    services.update_type(dog, user=seats.admin, renewal_window_days=60, second_reminder_days=14)
    registers.save_settings(dog, user=seats.admin, enabled=True, show_place=False,
                            public_questions=[dog.form.questions_in_order()[1]])
    old = demo.dog_licence_near_expiry(dog, tworld.alice, user=seats.admin, days_left=30)
    assert renewals.send_reminders() == 1
    reminder = Delivery.objects.get(event="permit.renewal_reminder", channel="email")
    link = re.search(r"http\S+/permits/renew/\S+/", reminder.body_text).group(0)

    def new_page():
        context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-US")
        found = context.new_page()
        found.set_default_timeout(20000)
        return found

    resident = new_page()
    resident_signs_in(resident, live_server.url, tworld.alice.email)
    resident.goto(link)
    expect(resident.get_by_role("heading", name="Renew a licence")).to_be_visible()
    expect(resident.get_by_test_id("facts")).to_contain_text(old.number)
    assert_no_axe_violations(resident, context="the renewal page")
    resident.get_by_test_id("renew").click()
    expect(resident.get_by_label("Dog's name")).to_have_value("Biscuit")
    assert_no_axe_violations(resident, context="the prefilled form")
    resident.get_by_label("Dog's name").fill("Biscuit Junior")
    resident.get_by_test_id("next").click()
    expect(resident.get_by_test_id("uploaded")).to_contain_text("rabies.pdf")
    assert_no_axe_violations(resident, context="documents carried over")
    resident.get_by_test_id("submit").click()
    expect(resident.get_by_test_id("status")).to_have_text("Submitted")
    renewal = Application.objects.get(renews=old)
    assert renewal.answers[dog.form.questions_in_order()[0].field_name] == "Biscuit Junior"

    tick_all(renewal, seats.admin)
    services.complete_step(renewal, user=seats.admin)  # the intake check (its own tests walk it page by page)
    staff = new_page()
    sign_in(staff, live_server.url, seats.admin.email)
    staff.goto(f"{live_server.url}{renewal.get_staff_url()}")
    expect(staff.get_by_test_id("renews")).to_contain_text(old.number)
    assert_no_axe_violations(staff, context="the renewal for the reviewer")
    staff.get_by_role("button", name="Record the fee as received").click()
    staff.locator("label:text-is('Approve')").click()
    staff.get_by_label("Reasons (the applicant reads them)").fill("Vaccination still current.")
    staff.get_by_role("button", name="Record the decision").click()
    expect(staff.get_by_test_id("permit")).to_contain_text("Genuine and valid")

    renewal.refresh_from_db()
    new = renewal.permit
    assert new.valid_from == old.valid_until
    resident.goto(f"{live_server.url}{new.get_verification_url()}")
    expect(resident.get_by_test_id("verdict")).to_contain_text("Genuine and valid")
    expect(resident.get_by_test_id("facts")).to_contain_text(new.number)
    resident.goto(f"{live_server.url}/permits/register/?type=dog-licence")
    expect(resident.get_by_test_id("register")).to_contain_text(new.number)
    expect(resident.get_by_test_id("register")).to_contain_text(old.number)
    assert_no_axe_violations(resident, context="the public register")
    resident.goto(f"{live_server.url}/permits/register/map/")
    expect(resident.get_by_test_id("map-status")).to_contain_text("Showing 0 permits")
    assert_no_axe_violations(resident, context="the register's map")
