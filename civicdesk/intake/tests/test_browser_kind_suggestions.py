"""In a phone-sized browser: "Is this about …?" on the report form, as the resident types (JavaScript) and after
the words are sent (no JavaScript); one click goes on to report that kind; axe finds no violations."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from civicdesk.testing.axe import assert_no_axe_violations, new_phone_page
from civicdesk.triage import history

pytestmark = pytest.mark.browser

WORDS = "the light in front of my house is out"


def test_it_suggests_the_kind_as_the_resident_types_and_goes_on_with_one_click(live_server, tworld, page):
    history.trained_for_tests(tworld.elm)
    page.goto(f"{live_server.url}/report/")
    page.get_by_label("Search the list").fill(WORDS)
    box = page.get_by_test_id("kind-suggestions")
    expect(box.get_by_role("heading", name="Is this about “Streetlight out”?")).to_be_visible()
    expect(box.locator("[aria-live]")).to_contain_text("suggested")
    assert_no_axe_violations(page, context="report start, kind suggested as typed")
    box.get_by_role("link", name="Streetlight out").click()
    expect(page).to_have_url(re.compile(r"/report/streetlight-out/$"))


def test_it_suggests_the_kind_without_javascript(live_server, tworld, browser):
    history.trained_for_tests(tworld.elm)
    page = new_phone_page(browser, javascript=False)
    try:
        page.goto(f"{live_server.url}/report/")
        page.get_by_label("Search the list").fill(WORDS)
        page.get_by_role("button", name="Search").click()
        box = page.get_by_test_id("kind-suggestions")
        expect(box.get_by_role("heading", name="Is this about “Streetlight out”?")).to_be_visible()
        assert_no_axe_violations(page, context="report start without JavaScript, kind suggested")
        box.get_by_role("link", name="Streetlight out").click()
        expect(page).to_have_url(re.compile(r"/report/streetlight-out/$"))
    finally:
        page.context.close()
