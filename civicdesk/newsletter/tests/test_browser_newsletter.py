"""The newsletter in Chromium: subscribing by keyboard without JavaScript, and a supervisor composing,
previewing and sending an issue; axe-core (no violation of any impact) on each page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from civicdesk.meetings.tests.helpers import make_meeting
from civicdesk.meetings.tests.test_browser_meetings import tab_to
from civicdesk.newsletter.models import Issue, Subscriber
from civicdesk.notices.models import ServiceNotice
from civicdesk.notices.tests.helpers import make_notice
from civicdesk.staff.tests.people import seat_people
from civicdesk.staff.tests.test_browser_console import sign_in
from civicdesk.testing.axe import assert_no_axe_violations, new_phone_page

from .helpers import subscribers

pytestmark = pytest.mark.browser


def test_it_lets_a_resident_subscribe_by_keyboard_without_javascript(live_server, tworld, browser):
    page = new_phone_page(browser, javascript=False)
    try:
        page.goto(f"{live_server.url}/newsletter/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Newsletter")
        assert_no_axe_violations(page, context="newsletter page")
        tab_to(page, page.get_by_label("Email address"))
        page.keyboard.type("reader@example.org")
        page.keyboard.press("Enter")
        expect(page.get_by_text("Check your email: we sent a link to confirm your subscription.")).to_be_visible()
        assert_no_axe_violations(page, context="newsletter page after subscribing")
        assert Subscriber.objects.get().email == "reader@example.org"
    finally:
        page.context.close()


def test_it_lets_a_supervisor_compose_preview_and_send(live_server, tworld, page):
    seats = seat_people(tworld)
    subscribers(2)
    make_notice(tworld, kind=ServiceNotice.Kind.NEWS, area=None, title_en="Leaf pickup starts Monday")
    make_meeting(tworld, title_en="Parks workshop")
    sign_in(page, live_server.url, seats.supervisor.email)
    page.get_by_role("link", name="Newsletter").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Newsletter")
    page.get_by_role("link", name="Write an issue").click()
    assert_no_axe_violations(page, context="newsletter compose")
    page.get_by_label("Subject (English)").fill("Winter news")
    page.get_by_label("Subject (Spanish)").fill("Noticias de invierno")
    page.get_by_label("Links (English)").fill("Parks survey | https://survey.example.org/parks")
    page.get_by_text("News: Leaf pickup starts Monday").click()  # USWDS draws the box on the label
    page.get_by_text("Parks workshop").click()
    expect(page.get_by_label("Parks workshop")).to_be_checked()
    page.get_by_role("button", name="Save and preview").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Preview: Winter news")
    expect(page.get_by_test_id("preview-html-es")).to_contain_text("Noticias de invierno")
    expect(page.get_by_test_id("preview-text-en")).to_contain_text("https://survey.example.org/parks")
    assert_no_axe_violations(page, context="newsletter preview")
    page.get_by_role("button", name="Send to 2 subscribers").click()
    expect(page.get_by_test_id("issue-status")).not_to_have_text("Draft")
    assert Issue.objects.get().status in {"sending", "sent"}
    assert_no_axe_violations(page, context="newsletter preview after sending")
