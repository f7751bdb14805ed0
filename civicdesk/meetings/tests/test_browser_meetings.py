"""Meetings in Chromium: the archive, an RSVP by keyboard alone with and without JavaScript, and the staff
editor; axe-core (no violation of any impact) on each page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from civicdesk.meetings.models import Meeting, Rsvp
from civicdesk.notifications.models import Delivery
from civicdesk.staff.tests.people import seat_people
from civicdesk.staff.tests.test_browser_console import sign_in
from civicdesk.testing.axe import assert_no_axe_violations, new_phone_page

from .helpers import make_meeting

pytestmark = pytest.mark.browser


def tab_to(page, locator, limit: int = 80) -> None:
    """Press Tab until `locator` has the focus, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if locator.evaluate("node => node === document.activeElement"):
            return
    raise AssertionError("never reached by Tab")


@pytest.mark.parametrize("javascript", [True, False])
def test_it_lets_a_resident_find_a_meeting_and_rsvp_by_keyboard(live_server, tworld, browser, settings, javascript):
    settings.MAP_TILE_URL = ""
    meeting = make_meeting(tworld, capacity=30, minutes_en="", title_en="Riverside park workshop")
    make_meeting(tworld, title_en="Council regular session", kind=Meeting.Kind.COUNCIL)
    page = new_phone_page(browser, javascript=javascript)
    try:
        base = live_server.url
        page.goto(f"{base}/meetings/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Meetings and town halls")
        expect(page.get_by_test_id("meetings").get_by_role("listitem")).to_have_count(2)
        assert_no_axe_violations(page, context="meetings archive")
        page.get_by_label("Kind").select_option("town_hall")
        page.get_by_role("button", name="Show meetings").click()
        expect(page.get_by_test_id("meetings").get_by_role("listitem")).to_have_count(1)

        link = page.get_by_role("link", name="Riverside park workshop")
        tab_to(page, link)
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", level=1)).to_have_text("Riverside park workshop")
        if javascript:
            expect(page.locator("#meeting-map")).to_be_visible()
        else:
            expect(page.locator("#meeting-map")).to_be_hidden()
        assert_no_axe_violations(page, context="meeting page")

        tab_to(page, page.get_by_label("Your name"))
        page.keyboard.type("Keyboard Kim")
        tab_to(page, page.get_by_label("Email address"))
        page.keyboard.type("kim@example.org")
        tab_to(page, page.get_by_role("button", name="RSVP by email"))
        page.keyboard.press("Enter")
        expect(page.get_by_text("Check your email: we sent a link to confirm your RSVP.")).to_be_visible()
        assert_no_axe_violations(page, context="meeting page after RSVP")

        rsvp = Rsvp.objects.get(meeting=meeting, email="kim@example.org")
        body = Delivery.objects.get(key__startswith=f"meeting-rsvp:{rsvp.pk}:link").body_text
        path = "/meetings/rsvp/" + body.split("/meetings/rsvp/")[1].split()[0]
        page.goto(base + path)
        expect(page.get_by_test_id("rsvp-status")).to_have_text("Your RSVP is not confirmed yet.")
        assert_no_axe_violations(page, context="RSVP link page")
        tab_to(page, page.get_by_role("button", name="Confirm my RSVP"))
        page.keyboard.press("Enter")
        expect(page.get_by_test_id("rsvp-status")).to_have_text("You have a place.")
        rsvp.refresh_from_db()
        assert rsvp.status == "confirmed"
        page.goto(f"{base}/meetings/{meeting.pk}/")
        expect(page.get_by_test_id("places")).to_contain_text("29 places left.")
        expect(page.get_by_text("Keyboard Kim")).to_have_count(0)
    finally:
        page.context.close()


def test_it_lets_a_supervisor_write_place_and_publish_a_meeting(live_server, tworld, page):
    seats = seat_people(tworld)
    base = live_server.url
    sign_in(page, base, seats.supervisor.email)
    page.get_by_role("link", name="Meetings and town halls").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Meetings")
    assert_no_axe_violations(page, context="staff meeting list")
    page.get_by_role("link", name="Add a meeting").click()
    expect(page.locator("#meeting-map")).to_be_visible()
    assert_no_axe_violations(page, context="staff meeting editor")

    page.get_by_label("Title (English)").fill("Neighbourhood safety town hall")
    page.get_by_label("Kind").select_option("town_hall")
    page.get_by_label("Starts").fill("2027-05-04T18:00")
    page.get_by_label("Ends").fill("2027-05-04T19:30")
    page.get_by_label("Address").fill("Elm Library, 4 Oak Street")
    page.evaluate("() => document.getElementById('meeting-map').leafletMap.setView([3.0, 2.5], 14)")
    page.get_by_role("button", name="Mark the map center").click()
    expect(page.locator("#meeting-map-status")).to_contain_text("Place marked at")
    page.get_by_label("Places").fill("2")
    page.get_by_role("button", name="Save and publish").click()
    expect(page.get_by_text("Meeting published.")).to_be_visible()
    meeting = Meeting.objects.get()
    assert abs(meeting.lat - 3.0) < 0.01 and abs(meeting.long - 2.5) < 0.01
    assert meeting.local_starts().hour == 18
    assert_no_axe_violations(page, context="staff meeting editor, published")
    page.get_by_role("link", name="Who is coming").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Who is coming")
    assert_no_axe_violations(page, context="staff RSVP list")
