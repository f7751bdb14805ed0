"""Forums in Chromium: a resident reads a thread, replies and flags a post by keyboard; a moderator hides it from
the queue by keyboard; axe reports no violation (any impact) on each page, with and without JavaScript."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from civicdesk.accounts.models import User
from civicdesk.forums.models import Reply
from civicdesk.moderation.models import ModerationState
from civicdesk.moderation.templatetags.moderation import author_label
from civicdesk.testing.auth import current_code, totp_device
from civicdesk.testing.axe import assert_no_axe_violations, new_phone_page

from .helpers import PASSWORD, forum_world, reply

pytestmark = pytest.mark.browser


def sign_in(page, base: str, email: str, *, staff: bool = False, next_url: str = "/forums/") -> None:
    device = totp_device(User.objects.get(email=email)) if staff else None
    page.goto(f"{base}/account/login/?next={next_url}")
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    if staff:
        page.fill("#id_token", current_code(device))
        page.get_by_role("button", name="Verify").click()


@pytest.fixture
def forum(tworld):
    forum = forum_world(tworld)
    for user in (forum.resident, forum.moderator):
        user.set_password(PASSWORD)
        user.save()
    reply(forum, "The bench by the pond is **broken**.", author=forum.newcomer)
    return forum


def test_it_lets_a_resident_reply_and_flag_by_keyboard(live_server, forum, browser):
    page = new_phone_page(browser)
    try:
        page.goto(f"{live_server.url}/forums/")
        expect(page.get_by_role("heading", name="Forums", level=1)).to_be_visible()
        assert_no_axe_violations(page, context="forum index")
        page.get_by_role("link", name="Parks and trees").click()
        assert_no_axe_violations(page, context="board")
        page.get_by_role("link", name="Benches in Elm Park").click()
        expect(page.get_by_role("heading", name="Benches in Elm Park")).to_be_visible()
        assert_no_axe_violations(page, context="thread, signed out")

        sign_in(page, live_server.url, forum.resident.email, next_url=forum.thread.get_absolute_url())
        box = page.get_by_label("Your reply")
        box.focus()
        page.keyboard.type("Agreed, and the *path* floods too.")
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")
        expect(page.get_by_text("Your reply is published.")).to_be_visible()
        expect(page.locator(".cd-post__body em", has_text="path")).to_be_visible()
        assert_no_axe_violations(page, context="thread after replying")

        page.get_by_role("link", name=f"Flag the post by {author_label(forum.newcomer)}").click()
        expect(page.get_by_role("heading", name="Flag this post")).to_be_visible()
        assert_no_axe_violations(page, context="flag page")
        page.get_by_label("Spam or advertising").focus()
        page.keyboard.press("Space")
        page.get_by_label("Anything to add (optional)").fill("Looks like an advert")
        page.get_by_role("button", name="Send to the moderators").press("Enter")
        expect(page.get_by_text("A moderator will look at it.")).to_be_visible()

        page.goto(f"{live_server.url}/forums/parks/new/")
        assert_no_axe_violations(page, context="new thread form")
        page.get_by_role("button", name="Publish").click()  # empty: the error summary is announced
        expect(page.get_by_test_id("error-summary")).to_be_visible()
        assert_no_axe_violations(page, context="new thread form with errors")
        page.get_by_label("Title").fill("Picnic tables")
        page.get_by_label("Message").fill("Could the park get two more?")
        page.get_by_role("button", name="Publish").click()
        expect(page.get_by_role("heading", name="Picnic tables")).to_be_visible()
        page.goto(f"{live_server.url}/moderation/decisions/")
        assert_no_axe_violations(page, context="my moderation decisions")
    finally:
        page.context.close()


def test_it_lets_a_moderator_hide_a_flagged_post_by_keyboard(live_server, forum, browser):
    from civicdesk.moderation import services

    post = Reply.objects.get(body__contains="pond")
    services.flag(post, forum.resident, reason="spam", note="advert", client="10.0.0.5")
    page = new_phone_page(browser, javascript=False)
    try:
        sign_in(page, live_server.url, forum.moderator.email, staff=True, next_url="/staff/")
        page.get_by_role("link", name="Moderation queue (forums and comments)").click()
        expect(page.get_by_role("heading", name="Moderation queue")).to_be_visible()
        assert_no_axe_violations(page, context="moderation queue")
        page.get_by_label("Reason shown to the author").focus()
        page.keyboard.type("Advertising is not allowed")
        page.get_by_role("button", name="Hide", exact=True).press("Enter")
        expect(page.get_by_test_id("queue-empty")).to_be_visible()
        assert_no_axe_violations(page, context="empty queue")
        post.refresh_from_db()
        assert post.moderation_state == ModerationState.HIDDEN

        page.goto(f"{live_server.url}{forum.thread.get_absolute_url()}")
        expect(page.get_by_text("broken")).to_have_count(0)
        page.goto(f"{live_server.url}/moderation/staff/words/")
        assert_no_axe_violations(page, context="word filter")
        services.suspend(forum.newcomer, forum.moderator, reason="Adverts", days=7)
        page.goto(f"{live_server.url}/moderation/staff/suspensions/")
        assert_no_axe_violations(page, context="suspensions")
        page.get_by_role("button", name="Lift").press("Enter")
        expect(page.get_by_text("No account is suspended.")).to_be_visible()
    finally:
        page.context.close()
