"""Agent intake in Chromium (phone size): the caller's words suggest the kind as the agent types; one click chooses
it and the report form opens with the words as its description; axe finds no violations."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from civicdesk.testing.axe import assert_no_axe_violations
from civicdesk.triage import history

from .test_browser_console import sign_in
from .test_browser_intake_map import agent

pytestmark = pytest.mark.browser


def test_it_suggests_the_kind_from_the_callers_words(live_server, tworld, page):
    history.trained_for_tests(tworld.elm)
    agent(tworld)
    sign_in(page, live_server.url, "ann@elm.example.gov")
    page.get_by_role("link", name="Take a report by phone or at the counter").click()
    expect(page.get_by_role("heading", name="Take a report by phone or at the counter", level=1)).to_be_visible()
    page.get_by_label("What is the problem? (the caller’s words)").fill("nobody picked up our trash this week")
    box = page.get_by_test_id("kind-suggestions")
    # The server classifies the words; allow for a busy machine.
    expect(box.get_by_role("heading", name="Is this about “Missed trash pickup”?")).to_be_visible(timeout=20000)
    assert_no_axe_violations(page, context="agent intake, kind suggested")
    box.get_by_role("button", name="Missed trash pickup").click()
    expect(page.get_by_label("Kind of request")).to_have_value(str(history.install_kinds(["missed-trash"])["missed-trash"].pk))
    expect(page.get_by_label("Describe the problem")).to_have_value("nobody picked up our trash this week")
    assert_no_axe_violations(page, context="agent intake, report form after the suggestion")
