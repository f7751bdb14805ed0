"""Staff import end to end in Chromium: an admin uploads a CSV with Spanish and Arabic names, reviews the table,
imports; the invitation arrives over real SMTP; the new person opens the link, chooses a password and enrols an
authenticator app (civicdesk/accounts) before the staff console opens. axe reports no violation (any impact)."""

from __future__ import annotations

import base64
import re

import pytest
from django_otp.oath import totp
from playwright.sync_api import expect

from civicdesk.jurisdictions.models import StaffMembership
from civicdesk.testing.axe import assert_no_axe_violations, new_phone_page
from civicdesk.testing.fixtures import run_worker

from .test_browser_onboarding import sign_in

pytestmark = pytest.mark.browser
NEW_PASSWORD = "a long walk by the river"
CSV = ("email,first_name,last_name,jurisdiction,department,role,language\n"
       "lucia@elm.example.gov,Lucía,Fernández,elm,public-works,supervisor,en\n"
       "omar@elm.example.gov,عمر,الحداد,elm,sanitation,agent,ar\n"
       "carol@elm.example.gov,,,elm,sanitation,supervisor,\n"
       "nobody@elm.example.gov,,,elm,parks,staff,\n")


def code_for(secret: str) -> str:
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    return f"{totp(key):06d}"


def test_it_imports_staff_and_the_invitee_sets_a_password_and_two_factor(live_server, tworld, browser, smtp_server,
                                                                         tmp_path, settings):
    settings.SITE_URL = live_server.url
    admin = tworld.bob
    StaffMembership.objects.create(user=admin, jurisdiction=tworld.elm, role=StaffMembership.Role.ADMIN)
    page = new_phone_page(browser)
    try:
        sign_in(page, live_server.url, admin, next_url="/staff/onboarding/staff/", heading="Import staff")
        assert_no_axe_violations(page, context="staff import upload")

        path = tmp_path / "staff.csv"
        path.write_bytes(CSV.encode("utf-8"))
        page.get_by_label("Staff list (CSV)").set_input_files(str(path))
        page.get_by_role("button", name="Upload and review").click()
        expect(page.get_by_test_id("error-line-5")).to_contain_text("Town of Elm has no department called “parks”")
        expect(page.get_by_role("button", name="Import these seats and send the emails")).to_have_count(0)
        assert_no_axe_violations(page, context="staff review with a row error")

        path.write_bytes(CSV.rsplit("nobody", 1)[0].encode("utf-8"))
        page.get_by_role("link", name="Upload another file").click()
        page.get_by_label("Staff list (CSV)").set_input_files(str(path))
        page.get_by_role("button", name="Upload and review").click()
        expect(page.get_by_test_id("line-3")).to_contain_text("عمر الحداد")
        expect(page.get_by_test_id("line-4")).to_contain_text("Role changed")
        assert_no_axe_violations(page, context="staff review")
        page.get_by_role("button", name="Import these seats and send the emails").click()
        expect(page.get_by_role("heading", name="Staff invitations", level=1)).to_be_visible()
        expect(page.get_by_test_id("invitations")).to_contain_text("lucia@elm.example.gov")
        assert_no_axe_violations(page, context="staff invitations")
    finally:
        page.context.close()

    run_worker()
    messages = {m["To"]: m for m in smtp_server.wait_for(3)}
    body = messages["lucia@elm.example.gov"].get_body(("plain",)).get_content()
    link = re.search(r"(http\S+/staff/onboarding/invitation/\S+/)", body).group(1)

    invitee = new_phone_page(browser)
    try:
        invitee.goto(link)
        expect(invitee.get_by_role("heading", name="Set up your staff account", level=1)).to_be_visible()
        assert_no_axe_violations(invitee, context="invitation acceptance")
        invitee.fill("#id_new_password1", NEW_PASSWORD)
        invitee.fill("#id_new_password2", NEW_PASSWORD)
        invitee.get_by_role("button", name="Save the password and continue").click()
        expect(invitee.get_by_role("heading", name="Set up two-factor sign-in", level=1)).to_be_visible()
        assert_no_axe_violations(invitee, context="two-factor enrolment after the invitation")
        invitee.fill("#id_token", code_for(invitee.get_by_test_id("totp-secret").inner_text().strip()))
        invitee.get_by_role("button", name="Confirm").click()
        invitee.get_by_role("link", name="I have saved my codes, continue").click()
        expect(invitee.get_by_role("heading", name="Staff console", level=1)).to_be_visible()

        invitee.goto(link)
        expect(invitee.get_by_test_id("reason")).to_contain_text("This invitation has already been used")
        assert_no_axe_violations(invitee, context="used invitation")
    finally:
        invitee.context.close()
