"""The connector pages in Chromium: an administrator adds a connector (errors first), handles a dead letter,
and reads the sync state on the request page, with no axe-core violation anywhere."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect

from civicdesk.connectors.models import Connector, SyncRecord
from civicdesk.jurisdictions.models import StaffMembership
from civicdesk.testing.auth import sign_in_in_browser
from civicdesk.testing.axe import assert_no_axe_violations, new_phone_page
from civicdesk.testing.world import IN_EAST_ELM

pytestmark = pytest.mark.browser


def test_it_sets_up_a_connector_and_handles_a_dead_letter_accessibly(live_server, tworld, page, settings, tmp_path):
    from civicdesk.servicerequests.services import submit_request

    settings.VAR_DIR = tmp_path
    StaffMembership.objects.filter(user=tworld.carol).update(role=StaffMembership.Role.ADMIN)
    sign_in_in_browser(page, live_server.url, tworld.carol, "/staff/connectors/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Work-order connectors")
    assert_no_axe_violations(page, context="the empty connector list")
    page.get_by_role("link", name="Add a connector").click()
    page.get_by_label("Name").fill("Street works batch")
    page.get_by_label("Kind").select_option(label="CSV drop folder")
    table = page.get_by_role("table", name="Status table")
    expect(table.locator("tbody tr")).to_have_count(3)  # three blank lines, without JavaScript
    page.get_by_label("Line 1: their status").fill("DONE")
    page.get_by_label("Line 2: their status").fill("done")
    page.get_by_label("Line 2: our status").select_option(label="Fixed")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Choose which of our statuses “DONE” stands for").first).to_be_visible()
    assert_no_axe_violations(page, context="the connector form with errors")
    page.get_by_label("Folder").fill("street-works")
    page.get_by_label("Line 1: our status").select_option(label="Fixed")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("“done” is listed twice for updates coming in").first).to_be_visible()
    page.get_by_label("Line 2: their status").fill("SHUT")
    page.get_by_label("Line 2: direction").select_option(label="Going out (ours → theirs)")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Connector “Street works batch” saved.")).to_be_visible()
    expect(page.get_by_label("Line 1: their status")).to_have_value("DONE")
    expect(table.locator("tbody tr")).to_have_count(5)  # two lines saved, three blank ones
    assert_no_axe_violations(page, context="the saved connector")
    assert {(m.direction, m.external, m.status.code) for m in Connector.objects.get().status_mappings.all()} == {
        ("in", "DONE", "fixed"), ("out", "SHUT", "fixed")}

    request = submit_request(service_type=tworld.graffiti, description="Tag under the railway bridge",
                             lat=IN_EAST_ELM[0], long=IN_EAST_ELM[1])
    record = SyncRecord.objects.get(connector=Connector.objects.get(), request=request)
    SyncRecord.objects.filter(pk=record.pk).update(state="failed", attempts=8, last_error="Disk full")
    page.goto(f"{live_server.url}/staff/connectors/dead-letters/")
    expect(page.get_by_test_id(f"record-{record.pk}")).to_contain_text("Disk full")
    assert_no_axe_violations(page, context="the dead letters")
    page.get_by_role("button", name=f"Stop {request.public_id}").click()
    expect(page.get_by_text(f"Request {request.public_id} will not be sent.")).to_be_visible()
    page.goto(f"{live_server.url}/staff/requests/{request.public_id}/")
    expect(page.get_by_test_id("sync-section")).to_contain_text("Stopped")
    assert_no_axe_violations(page, context="the request page's sync section")


def test_it_edits_the_status_table_in_arabic_on_a_phone_without_javascript(live_server, tworld, browser, settings,
                                                                          tmp_path):
    settings.VAR_DIR = tmp_path
    StaffMembership.objects.filter(user=tworld.carol).update(role=StaffMembership.Role.ADMIN)
    connector = Connector.objects.create(jurisdiction=tworld.elm, name="Quokkaworks", kind="csv", folder="qw")
    page = new_phone_page(browser, javascript=False)
    try:
        sign_in_in_browser(page, live_server.url, tworld.carol, "/staff/")
        page.context.add_cookies([{"name": "django_language", "value": "ar", "url": live_server.url}])
        page.goto(f"{live_server.url}/staff/connectors/{connector.pk}/")
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        page.get_by_label("السطر 1: حالتهم").fill("COMPLETE")
        page.get_by_label("السطر 1: حالتنا").select_option(value="fixed")
        page.get_by_label("السطر 1: الاتجاه").select_option(label="في الاتجاهين")
        page.get_by_label("السطر 2: حالتهم").fill("complete")
        page.get_by_label("السطر 2: حالتنا").select_option(value="cancelled")
        page.locator("form.usa-form button[type=submit]").click()
        expect(page.get_by_text("«complete» مذكورة مرتين للتحديثات الواردة").first).to_be_visible()
        assert_no_axe_violations(page, context="the Arabic status table with an error, on a phone")
        if shots := os.environ.get("CIVICDESK_SCREENSHOTS"):
            page.screenshot(path=f"{shots}/connector-status-table-ar-phone.png", full_page=True)
        page.get_by_label("السطر 2: حالتهم").fill("")
        page.get_by_label("السطر 2: حالتنا").select_option(value="")
        page.locator("form.usa-form button[type=submit]").click()
        expect(page.get_by_label("السطر 1: حالتهم")).to_have_value("COMPLETE")
        assert {(m.direction, m.external, m.status.code) for m in connector.status_mappings.all()} == {
            ("in", "COMPLETE", "fixed"), ("out", "COMPLETE", "fixed")}
    finally:
        page.context.close()
