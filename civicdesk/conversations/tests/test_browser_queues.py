"""The staff queues in Chromium: the queue, an email report's one-screen triage, a taken-over conversation; axe
reports no violation on any of them, on a desktop and on a phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from civicdesk.conversations.models import Conversation
from civicdesk.servicerequests.models import ServiceRequest
from civicdesk.staff.tests.people import seat_people
from civicdesk.staff.tests.test_browser_console import sign_in
from civicdesk.testing.axe import assert_no_axe_violations, new_phone_page

from .helpers import queued_email, stuck_conversation

pytestmark = pytest.mark.browser


def test_it_lets_an_agent_triage_an_email_and_take_over_a_conversation(live_server, tworld, page, browser):
    agent = seat_people(tworld).agent
    report = queued_email(tworld)
    conversation = stuck_conversation(tworld)
    base = live_server.url
    sign_in(page, base, agent.email)
    page.get_by_role("link", name="Reports by message: email triage and text conversations").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reports by message")
    expect(page.get_by_test_id("email-row")).to_have_count(1)
    expect(page.get_by_test_id("conversation-row")).to_contain_text("Needs an agent")
    assert_no_axe_violations(page, context="queue")

    page.get_by_role("link", name="Graffiti").click()
    expect(page.get_by_test_id("email-text")).to_contain_text("Graffiti on the wall near 14 Oak Street")
    expect(page.get_by_label("Address")).to_have_value("14 Oak Street")
    assert_no_axe_violations(page, context="email report")
    page.get_by_role("button", name="File the report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reports by message")
    report.refresh_from_db()
    assert report.status == "filed"

    page.get_by_role("link", name=f"Conversation {conversation.pk} (sms)").click()
    page.get_by_role("button", name="Take over this conversation").click()
    expect(page.get_by_role("heading", name="Answer the resident")).to_be_visible()
    assert_no_axe_violations(page, context="taken-over conversation")
    page.get_by_label("Your answer").fill("Which corner of the shelter?")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_test_id("transcript")).to_contain_text("Which corner of the shelter?")
    page.get_by_label("Address").fill("12 Oak Street")
    page.get_by_test_id("file-form").get_by_role("button", name="File the report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reports by message")
    assert Conversation.objects.get().status == "filed"
    assert ServiceRequest.objects.filter(channel="sms", address_id="A1").exists()

    phone = new_phone_page(browser)
    try:
        phone.context.add_cookies(page.context.cookies())  # the same signed-in session: a code is good once
        phone.goto(f"{base}/staff/messages/")
        assert_no_axe_violations(phone, context="queue on a phone")
    finally:
        phone.context.close()
