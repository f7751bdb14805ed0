"""The archive and a report in Chromium on a phone: reachable from the footer, axe-core finds nothing."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from civicdesk.reports.services import generate_report
from civicdesk.testing.fixtures import assert_accessible

from .helpers import MONTH, busy_month

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def assert_no_violations(page, context: str) -> None:
    """Stricter than assert_accessible: not even a minor or moderate axe-core violation."""
    from axe_playwright_python.sync_playwright import Axe

    assert_accessible(page, context=context)
    violations = Axe().run(page).response["violations"]
    assert not violations, f"{context}: " + "; ".join(
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}" for v in violations)


def test_it_leads_from_the_footer_to_an_accessible_archive_and_report(live_server, tworld, page):
    busy_month(tworld)
    generate_report(tworld.elm, MONTH)
    generate_report(tworld.elm, MONTH.replace(month=9))
    page.goto(f"{live_server.url}/")
    page.get_by_role("contentinfo").get_by_role("link", name="Performance reports").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Performance reports")
    assert_no_violations(page, "report archive")

    page.get_by_test_id("archive-elm").get_by_role("link", name="October 2026", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Town of Elm performance report, October 2026")
    expect(page.get_by_role("table", name="Requests and time to close by department")).to_be_visible()
    expect(page.get_by_role("img", name="Median days to close, by department")).to_be_attached()
    expect(page.get_by_test_id("satisfaction")).to_contain_text("No resident answered")
    assert_no_violations(page, "report page")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download this report (PDF)").click()
    assert download.value.suggested_filename == "elm-performance-2026-10.pdf"
