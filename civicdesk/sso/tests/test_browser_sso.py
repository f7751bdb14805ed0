"""Single sign-on in Chromium: the button on the sign-in page, the round trip through the stand-in provider,
and the mapping table, each page with no axe violation."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from civicdesk.jurisdictions.models import StaffMembership
from civicdesk.sso.models import SsoRoleMapping
from civicdesk.testing.axe import assert_no_axe_violations

from .conftest import person

pytestmark = pytest.mark.browser


def test_it_signs_an_admin_in_through_the_provider_and_shows_the_mapping_table(live_server, tworld, page, provider):
    SsoRoleMapping.objects.create(claim_value="elm-it-admins", jurisdiction=tworld.elm,
                                  role=StaffMembership.Role.ADMIN)
    SsoRoleMapping.objects.create(claim_value="elm-crew-leads", jurisdiction=tworld.elm,
                                  department=tworld.sanitation, role=StaffMembership.Role.SUPERVISOR)
    provider.person = person("entra-oid-bob", "bob@elm.example.gov", "elm-it-admins")

    page.goto(f"{live_server.url}/account/login/?next=/sso/staff/")
    button = page.get_by_role("link", name="Sign in with Elm Directory")
    expect(button).to_be_visible()
    assert_no_axe_violations(page, context="sign-in page with the single sign-on button")

    button.click()  # → the stand-in's authorization endpoint → back to the callback → the mapping table
    expect(page.get_by_role("heading", name="Single sign-on", exact=True)).to_be_visible()
    expect(page.get_by_test_id("sso-mapping")).to_have_count(2)
    assert_no_axe_violations(page, context="single sign-on mapping table")
    assert StaffMembership.objects.filter(user=tworld.bob, jurisdiction=tworld.elm, department=None,
                                          role="admin").exists()

    page.fill("#id_claim_value", "elm-agents")
    page.select_option("#id_jurisdiction", str(tworld.elm.pk))
    page.select_option("#id_role", "agent")
    page.get_by_role("button", name="Add mapping").click()
    expect(page.get_by_test_id("sso-mapping")).to_have_count(3)
    assert_no_axe_violations(page, context="mapping table after adding a row")
