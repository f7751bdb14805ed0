"""The answer page and the staff results in Chromium: keyboard only, with and without JavaScript; axe reports
no violation of any impact."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from civicdesk.feedback.models import Answer
from civicdesk.feedback.services import record_answer
from civicdesk.staff.tests.people import seat_people
from civicdesk.staff.tests.test_browser_console import sign_in
from civicdesk.testing.axe import assert_no_axe_violations, new_phone_page

from .helpers import ask_after, closed_request, question

pytestmark = pytest.mark.browser


def tab_to(page, locator, *, limit: int = 60) -> None:
    """Press Tab until `locator` has the focus, as a keyboard user moves through the page."""
    for _ in range(limit):
        if locator.evaluate("element => element === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {locator}")


@pytest.mark.parametrize("javascript", [True, False])
def test_it_takes_a_not_fixed_answer_by_keyboard_alone(live_server, tworld, browser, settings, javascript):
    settings.MAP_TILE_URL = ""
    request = closed_request(tworld)
    ask_after()
    page = new_phone_page(browser, javascript=javascript)
    try:
        page.goto(f"{live_server.url}/feedback/{question(request).token}/")
        expect(page.get_by_role("heading", name="Was it fixed?", level=1)).to_be_visible()
        assert_no_axe_violations(page, context=f"answer page (JavaScript {javascript})")
        tab_to(page, page.get_by_label("Yes, it is fixed"))
        page.keyboard.press("ArrowDown")
        expect(page.get_by_label("No, it is not fixed")).to_be_checked()
        page.keyboard.press("Tab")
        page.keyboard.press("ArrowDown")
        page.keyboard.press("ArrowDown")
        page.keyboard.press("ArrowDown")
        expect(page.get_by_label("2 – Unhappy")).to_be_checked()
        page.keyboard.press("Tab")
        page.keyboard.type("The paint is back on the shelter")
        tab_to(page, page.get_by_role("button", name="Send my answer"))
        page.keyboard.press("Enter")
        expect(page.get_by_text("Thank you: we have your answer.")).to_be_visible()
        expect(page.get_by_test_id("given")).to_contain_text("We reopened the request and told the team.")
        assert_no_axe_violations(page, context="answer page after answering")
    finally:
        page.context.close()
    answer = Answer.objects.get()
    assert not answer.fixed and answer.satisfaction == 2 and answer.comment == "The paint is back on the shelter"
    request.refresh_from_db()
    assert request.is_open


@pytest.mark.parametrize("javascript", [True, False])
def test_it_shows_results_and_publishes_a_reply(live_server, tworld, browser, settings, javascript):
    settings.MAP_TILE_URL = ""
    people = seat_people(tworld)
    request = closed_request(tworld)
    ask_after()
    record_answer(question(request), fixed=True, satisfaction=2, comment="Cones left on the corner",
                  comment_public=True)
    page = new_phone_page(browser, javascript=javascript)
    try:
        sign_in(page, live_server.url, people.supervisor.email)
        page.get_by_role("link", name="Was it fixed? Residents' answers").click()
        expect(page.get_by_role("heading", name="Was it fixed? Residents' answers", level=1)).to_be_visible()
        expect(page.get_by_test_id("by-department")).to_contain_text("Public Works")
        expect(page.get_by_test_id("comments")).to_contain_text("Cones left on the corner")
        assert_no_axe_violations(page, context=f"staff results (JavaScript {javascript})")
        field = page.get_by_label("Public reply (“you said, we did”)")
        tab_to(page, field)
        page.keyboard.type("We collected the cones the next morning")
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")
        expect(page.get_by_text("Your reply is published.")).to_be_visible()
        assert_no_axe_violations(page, context="staff results after replying")
        page.goto(f"{live_server.url}/feedback/replies/")
        expect(page.get_by_test_id("replies")).to_contain_text("We collected the cones the next morning")
        assert_no_axe_violations(page, context="public replies page")
    finally:
        page.context.close()
