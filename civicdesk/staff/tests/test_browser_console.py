"""The staff console in Chromium: the issue's four journeys, with axe on the queue, request and intake pages."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from civicdesk.accounts.models import User
from civicdesk.servicerequests import services
from civicdesk.staff.models import ResponseTemplate
from civicdesk.testing.auth import current_code, totp_device
from civicdesk.testing.fixtures import assert_accessible
from civicdesk.testing.world import IN_WEST_ELM

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"


def sign_in(page, base: str, email: str) -> None:
    """Password, then the code an authenticator app would show for the person's device."""
    device = totp_device(User.objects.get(email=email))
    page.goto(f"{base}/account/login/?next=/staff/")
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Enter your 6-digit code")).to_be_visible()
    page.fill("#id_token", current_code(device))
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("heading", name="Staff console")).to_be_visible()


def test_it_lets_staff_transfer_a_request_and_the_other_department_resolve_it(live_server, tworld, page):
    sr = services.submit_request(service_type=tworld.pothole, lat=IN_WEST_ELM[0], long=IN_WEST_ELM[1],
                                 attributes={"depth": "deep"}, description="Bins spilled in the pothole",
                                 contact_name="Rita Reporter", contact_email="rita@example.org")
    ResponseTemplate.objects.create(name="Street swept", jurisdiction=tworld.elm, status=tworld.statuses["fixed"],
                                    text={"en": "Thank you {name}: {id} is done."})
    base = live_server.url
    sign_in(page, base, "bob@elm.example.gov")
    assert_accessible(page, context="queue page")
    page.get_by_role("link", name=sr.public_id).click()
    expect(page.get_by_role("heading", name="Pothole")).to_be_visible()
    expect(page.get_by_text("rita@example.org")).to_be_visible()
    assert_accessible(page, context="request page")

    page.get_by_label("Internal note").fill("@carol these are your bins")
    page.get_by_role("button", name="Add note").click()
    expect(page.get_by_text("Note added.")).to_be_visible()
    transfer = page.locator("form", has=page.get_by_role("button", name="Transfer"))
    transfer.get_by_label("Department").select_option(label="Sanitation (Town of Elm)")
    transfer.get_by_label("Reason").fill("Spilled bins, not a road defect")
    # Keyboard only from here: the button is reachable and works with Enter.
    transfer.get_by_role("button", name="Transfer").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Transferred to Sanitation.")).to_be_visible()

    page.get_by_text("Menu", exact=True).click()  # on a phone, signing out is in the header menu
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, base, "carol@elm.example.gov")
    page.get_by_role("link", name="Transferred in").click()
    page.get_by_role("link", name=sr.public_id).click()
    expect(page.get_by_text("Spilled bins, not a road defect")).to_be_visible()
    page.get_by_role("link", name="Street swept (Fixed)").click()
    status = page.locator("form", has=page.get_by_role("button", name="Change status"))
    message = status.get_by_label("Message to the resident")
    expect(message).to_have_value(f"Thank you Rita Reporter: {sr.public_id} is done.")
    message.fill(message.input_value() + " Bins collected.")
    status.get_by_role("button", name="Change status").click()
    expect(page.get_by_text("Status changed to “Fixed”.")).to_be_visible()
    expect(page.get_by_test_id("status")).to_have_text("Fixed")
    sr.refresh_from_db()
    assert sr.department == tworld.sanitation and not sr.is_open
    assert sr.public_timeline().filter(message__endswith="is done. Bins collected.").exists()


def pothole(world, **extra):
    return services.submit_request(service_type=world.pothole, lat=IN_WEST_ELM[0], long=IN_WEST_ELM[1],
                                   attributes={"depth": "deep"}, **extra)


def test_it_lets_an_agent_take_a_phone_report_for_a_returning_caller(live_server, tworld, page):
    from civicdesk.jurisdictions.models import StaffMembership
    from civicdesk.accounts.models import User

    agent = User.objects.create_user(email="ann@elm.example.gov", password=PASSWORD, first_name="Ann",
                                     is_staff=True)
    StaffMembership.objects.create(user=agent, jurisdiction=tworld.elm, role=StaffMembership.Role.AGENT)
    earlier = pothole(tworld, contact_name="Rita Reporter", contact_phone="555-0199", description="Last week")
    sign_in(page, live_server.url, "ann@elm.example.gov")
    page.get_by_role("link", name="Take a report by phone or at the counter").click()
    page.get_by_label("Caller's phone").fill("555-0199")
    page.get_by_label("Kind of request").select_option(label="Pothole")
    page.get_by_role("button", name="Look up").click()
    expect(page.get_by_test_id("earlier")).to_contain_text(earlier.public_id)
    assert_accessible(page, context="intake page")
    page.get_by_label("Channel").select_option("phone")
    page.get_by_label("Street address").fill("14 Oak Street")
    page.get_by_label("How deep is it?").select_option("shallow")
    expect(page.get_by_label("Caller's name")).to_have_value("Rita Reporter")
    page.get_by_role("button", name="File the request").click()
    # A typed address is read back to the caller and chosen before anything is filed.
    page.get_by_test_id("address-choices").locator("label", has_text="14 Oak Street").click()
    page.get_by_role("button", name="File the request").click()
    expect(page.get_by_text("Read the tracking number back to the caller")).to_be_visible()
    filed = tworld.pothole.requests.exclude(pk=earlier.pk).get()
    assert filed.channel == "phone" and filed.contact_phone == "555-0199"
    expect(page.get_by_text(f"Read the tracking number back to the caller: {filed.public_id}")).to_be_visible()


def test_it_lets_a_supervisor_merge_and_hides_contact_details_from_a_contractor(live_server, tworld, page):
    from civicdesk.accounts.models import User
    from civicdesk.jurisdictions.models import StaffMembership

    Role = StaffMembership.Role
    for email, role in [("sam@elm.example.gov", Role.SUPERVISOR), ("cody@paving.example.com", Role.CONTRACTOR)]:
        user = User.objects.create_user(email=email, password=PASSWORD, is_staff=True)
        StaffMembership.objects.create(user=user, jurisdiction=tworld.elm, department=tworld.public_works, role=role)
    original = pothole(tworld, contact_email="rita@example.org", description="First report")
    copy = pothole(tworld, contact_email="otto@example.org", description="Second report")
    services.assign(original, assignee=User.objects.get(email="cody@paving.example.com"))

    sign_in(page, live_server.url, "sam@elm.example.gov")
    page.goto(f"{live_server.url}/staff/requests/{copy.public_id}/")
    page.get_by_label("Tracking number of the original request").fill(original.public_id)
    page.get_by_role("button", name="Merge").click()
    expect(page.get_by_text(f"Merged into {original.public_id}.")).to_be_visible()
    expect(page.get_by_test_id("status")).to_have_text("Duplicate")
    page.get_by_text("Menu", exact=True).click()  # on a phone, signing out is in the header menu
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, live_server.url, "cody@paving.example.com")
    page.get_by_role("link", name=original.public_id).click()
    expect(page.get_by_test_id("contact-withheld")).to_be_visible()
    assert "rita@example.org" not in page.content() and "otto@example.org" not in page.content()
