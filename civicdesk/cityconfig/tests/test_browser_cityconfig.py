"""The configuration diff and the mapping review in Chromium, on a phone: used by keyboard-free clicks and with no
axe-core violation at all."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from civicdesk.cityconfig.catalogue_import import IncomingService, propose_mapping
from civicdesk.cityconfig.configfile import export_config
from civicdesk.testing.auth import current_code, totp_device
from civicdesk.testing.axe import assert_no_axe_violations

from .helpers import elm_admin

pytestmark = pytest.mark.browser


def sign_in(page, base: str, user, next_path: str) -> None:
    device = totp_device(user)
    page.goto(f"{base}/account/login/?next={next_path}")
    page.fill("#id_username", user.email)
    page.fill("#id_password", "correct horse battery")
    page.get_by_role("button", name="Sign in").click()
    page.fill("#id_token", current_code(device))
    page.get_by_role("button", name="Verify").click()


def test_it_shows_the_import_diff_accessibly_and_applies_it(live_server, tworld, page, tmp_path):
    admin = elm_admin(tworld)
    doc = export_config(tworld.elm)
    doc["jurisdiction"]["phone"] = "(555) 010-4242"
    doc["holidays"] = [{"date": "2026-12-25", "name": "Christmas Day"}]
    path = tmp_path / "elm.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    sign_in(page, live_server.url, admin, "/staff/city-config/")
    expect(page.get_by_role("heading", level=1)).to_have_text("City configuration")
    assert_no_axe_violations(page, context="the configuration page")
    page.get_by_label("Configuration file (JSON, from “Export”)").set_input_files(str(path))
    page.get_by_role("button", name="Check the file and show the changes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Changes in the configuration file")
    expect(page.get_by_role("table", name="Jurisdiction")).to_contain_text("555-0100 → (555) 010-4242")
    expect(page.get_by_role("table", name="Holiday")).to_contain_text("2026-12-25")
    assert_no_axe_violations(page, context="the import diff")
    page.get_by_role("button", name="Apply these changes").click()
    expect(page.get_by_text("The configuration was applied: 1 added, 1 changed, 0 removed.")).to_be_visible()
    tworld.elm.refresh_from_db()
    assert tworld.elm.phone == "(555) 010-4242"


def test_it_reviews_a_mapping_accessibly(live_server, tworld, page):
    admin = elm_admin(tworld)
    source = propose_mapping(jurisdiction=tworld.elm, name="old-311", kind="csv", incoming=[
        IncomingService(code="HOLE", name="Pothole"),
        IncomingService(code="TREE", name="Fallen tree", group="Parks",
                        attributes=[{"code": "size", "description": "How big?", "datatype": "string",
                                     "required": False, "variable": True, "order": 1, "values": []}])])
    sign_in(page, live_server.url, admin, f"/staff/city-config/sources/{source.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mapping of old-311")
    expect(page.get_by_test_id("mapping")).to_contain_text("Fallen tree")
    assert_no_axe_violations(page, context="the mapping review")
    page.get_by_role("button", name="Save and apply the mapping").click()
    expect(page.get_by_test_id("error-summary")).to_be_visible()
    assert_no_axe_violations(page, context="the mapping review with errors")
    page.get_by_label("Department: Fallen tree").select_option(label="Public Works")
    page.get_by_role("button", name="Save and apply the mapping").click()
    expect(page.get_by_test_id("applied")).to_be_visible()
    assert_no_axe_violations(page, context="the applied mapping")
