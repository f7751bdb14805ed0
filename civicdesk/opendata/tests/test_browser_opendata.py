"""Open data in Chromium: the catalogue, a published dataset (filters without JavaScript, chart) and the requests
dataset page, each with no axe-core violation at all, on a phone and with JavaScript off."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from civicdesk.opendata.exports import export_all
from civicdesk.testing.axe import assert_no_axe_violations, new_phone_page

from .helpers import make_request
from .test_published_datasets import make_published

pytestmark = pytest.mark.browser


@pytest.fixture
def no_js_page(browser, settings):
    settings.MAP_TILE_URL = ""
    page = new_phone_page(browser, javascript=False)
    try:
        yield page
    finally:
        page.context.close()


def test_it_shows_the_catalogue_and_datasets_accessibly(live_server, tworld, page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    make_request(tworld)
    export_all()
    dataset = make_published(tworld)
    page.goto(f"{live_server.url}/")
    page.locator(".cd-menu__button").click()  # the phone menu; the footer link is below it
    page.get_by_role("link", name="Open data").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Open data")
    expect(page.get_by_test_id("datasets")).to_contain_text("Capital projects")
    assert_no_axe_violations(page, context="the catalogue")

    page.get_by_role("link", name="311 service requests").click()
    expect(page.get_by_test_id("dictionary")).to_contain_text("service_request_id")
    expect(page.get_by_test_id("downloads")).to_contain_text("Parquet")
    assert_no_axe_violations(page, context="the requests dataset")

    page.goto(f"{live_server.url}{dataset.get_absolute_url()}")
    expect(page.get_by_test_id("chart")).to_be_visible()
    expect(page.get_by_test_id("preview")).to_contain_text("Oak Street resurfacing")
    assert_no_axe_violations(page, context="a published dataset")


def test_it_filters_a_dataset_with_javascript_off(live_server, tworld, no_js_page, page):
    dataset = make_published(tworld)
    no_js_page.goto(f"{live_server.url}{dataset.get_absolute_url()}")
    no_js_page.get_by_label("Column", exact=True).select_option("ward")
    no_js_page.get_by_label("Value", exact=True).fill("South")
    no_js_page.get_by_role("button", name="Filter").click()
    rows = no_js_page.get_by_test_id("preview").locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text("Elm bridge deck repair")
    # axe-core is itself a script: check the same filtered page in a browser with JavaScript on.
    page.goto(no_js_page.url)
    expect(page.get_by_test_id("preview").locator("tbody tr")).to_have_count(1)
    assert_no_axe_violations(page, context="a filtered dataset")
