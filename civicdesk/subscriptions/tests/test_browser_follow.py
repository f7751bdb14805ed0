"""In a real browser: a resident without an account follows a request, confirms by email, and hears of a change."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from civicdesk.servicerequests import services
from civicdesk.subscriptions.models import Follow
from civicdesk.testing.fixtures import assert_accessible, run_worker
from civicdesk.testing.world import IN_WEST_ELM

pytestmark = pytest.mark.browser


def text(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def test_it_emails_a_follower_the_public_message_of_a_status_change(live_server, tworld, page, smtp_server,
                                                                    settings):
    settings.SITE_URL = live_server.url  # links in the emails lead to this test server
    request = services.submit_request(service_type=tworld.pothole, lat=IN_WEST_ELM[0], long=IN_WEST_ELM[1],
                                      attributes={"depth": "deep"}, description="Hole by the school gate",
                                      contact_email="rita@example.org", contact_name="Rita")
    run_worker()
    smtp_server.wait_for(1)  # Rita's acknowledgement

    page.goto(f"{live_server.url}{request.get_absolute_url()}")
    expect(page.get_by_role("heading", name="Get updates")).to_be_visible()
    assert_accessible(page, context="request page with the follow form")
    page.get_by_label("Your email address").fill("not-an-address")
    page.get_by_role("button", name="Follow this request").click()
    expect(page.locator("#follow_email-error")).to_have_text("Enter a valid email address, like name@example.com.")
    assert_accessible(page, context="follow form with an error")

    page.get_by_label("Your email address").fill("fred@example.org")
    page.get_by_role("button", name="Follow this request").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    assert not Follow.objects.get(request=request).is_confirmed

    run_worker()
    confirmation = smtp_server.wait_for(2)[1]
    assert confirmation["To"] == "fred@example.org"
    link = re.search(rf"{re.escape(live_server.url)}/subscriptions/confirm/\S+/", text(confirmation)).group(0)
    page.goto(link)
    assert_accessible(page, context="follow confirmation")
    page.get_by_role("button", name="Yes, send me updates").click()
    expect(page.get_by_role("status")).to_contain_text("you will get an email when this request changes")
    assert Follow.objects.get(request=request).is_confirmed

    services.transition(request, tworld.statuses["in_progress"], user=tworld.bob,
                        message="A crew is booked for Tuesday morning.")
    run_worker()

    messages = smtp_server.wait_for(4)
    [update] = [m for m in messages[2:] if m["To"] == "fred@example.org"]
    assert update["Subject"] == f"Request {request.public_id} is now: In progress"
    assert "A crew is booked for Tuesday morning." in text(update)
    assert "rita" not in text(update).lower()


def test_it_shows_an_accessible_preferences_page(live_server, tworld, page):
    page.goto(f"{live_server.url}/account/login/?next=/subscriptions/preferences/")
    page.get_by_label("Email").fill("alice@example.org")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Notification preferences")).to_be_visible()
    assert_accessible(page, context="preferences")

    # USWDS draws its own radio buttons: people click the label.
    page.locator("label", has_text="Text message (SMS)").click()
    page.get_by_role("button", name="Save preferences").click()
    expect(page.locator("#channels-error")).to_contain_text("first add and confirm your mobile number")
    expect(page.get_by_test_id("error-summary")).to_be_focused()
    assert_accessible(page, context="preferences with an error")

    page.locator("label", has_text="Nothing: do not send me updates").click()
    page.get_by_role("button", name="Save preferences").click()
    expect(page.get_by_role("status")).to_contain_text("Your preferences are saved.")
    expect(page.get_by_label("Nothing: do not send me updates")).to_be_checked()
