"""Comments on a tracking page in Chromium: a resident comments by keyboard, staff answer officially; axe reports
no violation (any impact) with and without JavaScript."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from civicdesk.comments import services
from civicdesk.forums.tests.helpers import PASSWORD, verified
from civicdesk.forums.tests.test_browser_forums import sign_in
from civicdesk.servicerequests.services import submit_request
from civicdesk.testing.axe import assert_no_axe_violations, new_phone_page
from civicdesk.testing.world import IN_WEST_ELM

pytestmark = pytest.mark.browser


@pytest.fixture
def pothole(tworld, settings):
    settings.MAP_TILE_URL = ""
    tworld.pothole.allows_public_comments = True
    tworld.pothole.save()
    verified(tworld.alice).set_password(PASSWORD)
    tworld.alice.save()
    request = submit_request(service_type=tworld.pothole, lat=IN_WEST_ELM[0], long=IN_WEST_ELM[1],
                             description="Deep hole in the cycle lane", attributes={"depth": "deep"})
    services.post_comment(request, tworld.bob, body="A crew is booked for Monday.", client="10.0.0.2",
                          official=True)
    return request


@pytest.mark.parametrize("javascript", [True, False])
def test_it_lets_a_resident_comment_by_keyboard(live_server, tworld, pothole, browser, javascript):
    page = new_phone_page(browser, javascript=javascript)
    try:
        page.goto(f"{live_server.url}{pothole.get_absolute_url()}")
        comments = page.get_by_test_id("comments")
        expect(comments.get_by_text("Official answer from the city")).to_be_visible()
        assert_no_axe_violations(page, context="tracking page with comments, signed out")
        sign_in(page, live_server.url, tworld.alice.email, next_url=pothole.get_absolute_url())
        page.get_by_label("Your comment").focus()
        page.keyboard.type("It got deeper after the rain.")
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")
        expect(page.get_by_text("Your comment is published.")).to_be_visible()
        expect(page.get_by_test_id("comments").get_by_text("It got deeper after the rain.")).to_be_visible()
        assert_no_axe_violations(page, context="tracking page after commenting")
    finally:
        page.context.close()
