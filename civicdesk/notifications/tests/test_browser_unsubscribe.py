"""The unsubscribe page in a real browser: keyboard-usable and free of serious accessibility problems."""

from __future__ import annotations

from django.urls import reverse

from civicdesk.notifications.services import is_suppressed, unsubscribe_token
from civicdesk.testing.fixtures import assert_accessible


def test_it_unsubscribes_with_the_keyboard_and_passes_axe(live_server, tworld, page):
    token = unsubscribe_token("email", "ana@example.org", "area:5")
    page.goto(live_server.url + reverse("notifications:unsubscribe", args=[token]))
    assert_accessible(page, context="unsubscribe form")

    # USWDS draws its own radio over the (visually hidden) input: reach it the way a keyboard user does.
    everything = page.get_by_label("Every message from us to this address")
    everything.focus()
    page.keyboard.press("Space")
    assert everything.is_checked()
    page.get_by_role("button", name="Unsubscribe").press("Enter")

    page.get_by_role("heading", name="You are unsubscribed").wait_for()
    assert_accessible(page, context="unsubscribe done")
    assert is_suppressed("email", "ana@example.org", "anything")
