"""A fence permit in Chromium, every page with no axe-core violation: the resident applies (form, site plan,
sending), staff ask for more information, the resident answers and pays the fee online (payments' sandbox
provider, its hosted page), staff see it paid and approve, the resident downloads the permit (rendered to PNG and
checked) and its verification page confirms it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from civicdesk.applications import pdf
from civicdesk.applications.models import Application
from civicdesk.insights.tests.test_browser_insights import sign_in
from civicdesk.staff.tests.people import seat_people
from civicdesk.testing.axe import assert_no_axe_violations

from .helpers import fence_type, tick_all
from .pdfimage import dark_share, first_page

pytestmark = pytest.mark.browser

PLAN = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def resident_signs_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/account/login/?next=/permits/mine/")
    page.fill("#id_username", email)
    page.fill("#id_password", "correct horse battery")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="My applications", level=1)).to_be_visible()


def test_it_takes_a_fence_permit_from_application_to_the_verified_pdf(live_server, tworld, browser, settings,
                                                                      tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.MAP_TILE_URL = ""
    settings.SITE_URL = live_server.url
    settings.PAYMENTS_SANDBOX_ALLOWED = True
    settings.PAYMENT_PROVIDER = "sandbox"
    seats = seat_people(tworld)
    fence_type(tworld)
    base = live_server.url

    def new_page():
        context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-US", accept_downloads=True)
        found = context.new_page()
        found.set_default_timeout(20000)
        return found

    resident = new_page()
    resident_signs_in(resident, base, tworld.alice.email)
    assert_no_axe_violations(resident, context="my applications, empty")
    resident.goto(f"{base}/permits/")
    assert_no_axe_violations(resident, context="permits and licences")
    resident.get_by_role("link", name="About Fence permit").click()
    assert_no_axe_violations(resident, context="fence permit page")
    resident.get_by_test_id("start").click()
    assert_no_axe_violations(resident, context="the form")
    resident.get_by_label("Address or place, in words").fill("12 Oak Street")
    resident.get_by_label("Height in feet").fill("6")
    resident.get_by_label("Length in feet").fill("40")
    resident.locator("label:text-is('Wood')").click()
    resident.get_by_test_id("next").click()
    expect(resident.get_by_role("heading", name="Documents and sending")).to_be_visible()
    expect(resident.get_by_test_id("fee")).to_contain_text("$45.00")
    assert_no_axe_violations(resident, context="documents and sending")
    resident.get_by_label("File").set_input_files({"name": "site-plan.pdf", "mimeType": "application/pdf",
                                                   "buffer": PLAN})
    resident.get_by_role("button", name="Upload").click()
    expect(resident.get_by_test_id("uploaded")).to_contain_text("site-plan.pdf")
    resident.get_by_test_id("submit").click()
    expect(resident.get_by_test_id("status")).to_have_text("Submitted")
    assert_no_axe_violations(resident, context="the application's page")
    application = Application.objects.get(applicant=tworld.alice)

    staff = new_page()
    sign_in(staff, base, seats.admin.email)
    staff.get_by_role("link", name="Permits and licences: applications to review").click()
    expect(staff.get_by_test_id("queue")).to_contain_text(application.number)
    assert_no_axe_violations(staff, context="application queues")
    staff.get_by_role("link", name=application.number).click()
    assert_no_axe_violations(staff, context="the reviewer's page")
    staff.get_by_label("What should the applicant send? (they read this)").fill("How far is it from the sidewalk?")
    staff.get_by_role("button", name="Send the request").click()
    expect(staff.get_by_test_id("status")).to_have_text("Waiting for your information")

    resident.reload()
    expect(resident.get_by_test_id("events")).to_contain_text("How far is it from the sidewalk?")
    assert_no_axe_violations(resident, context="a request for more information")
    resident.get_by_label("Your answer").fill("Three feet back from the sidewalk.")
    resident.get_by_role("button", name="Send my answer").click()
    expect(resident.get_by_test_id("status")).to_have_text("Submitted")

    # The fee, online: the pay page, the provider's hosted page, the receipt, and "paid" on the application.
    expect(resident.get_by_test_id("fee")).to_contain_text("not paid yet")
    resident.get_by_test_id("pay").click()
    expect(resident.get_by_role("heading", name="Pay the fee")).to_be_visible()
    assert_no_axe_violations(resident, context="the fee's pay page")
    resident.locator("label", has_text="Card").click()
    resident.get_by_test_id("go-pay").click()
    expect(resident.get_by_role("heading", name="Sandbox payment page")).to_be_visible()
    resident.get_by_role("button", name="Submit").click()
    expect(resident.get_by_test_id("paid")).to_contain_text("Thank you.")
    assert_no_axe_violations(resident, context="the fee's receipt")
    resident.goto(f"{base}{application.get_absolute_url()}")
    expect(resident.get_by_test_id("fee")).to_contain_text("paid")
    expect(resident.get_by_test_id("fee")).not_to_contain_text("not paid")
    expect(resident.get_by_test_id("events")).to_contain_text("Fee received")

    # The intake check and the two department reviews (their own tests walk them page by page).
    application.refresh_from_db()
    from civicdesk.applications import services

    for reviewer in (seats.admin, tworld.bob, tworld.carol):
        tick_all(application, reviewer)
        services.complete_step(application, user=reviewer)
    staff.reload()
    expect(staff.get_by_test_id("step")).to_have_text("Decision")
    expect(staff.get_by_test_id("fee")).to_contain_text("paid")
    expect(staff.get_by_role("button", name="Record the fee as received")).to_have_count(0)
    staff.locator("label:text-is('Approve')").click()
    staff.get_by_label("Reasons (the applicant reads them)").fill("Meets the fence code.")
    staff.get_by_role("button", name="Record the decision").click()
    expect(staff.get_by_test_id("permit")).to_contain_text("Genuine and valid")
    assert_no_axe_violations(staff, context="the decided application")

    resident.reload()
    expect(resident.get_by_test_id("status")).to_have_text("Approved")
    assert_no_axe_violations(resident, context="the approved application")
    with resident.expect_download() as download:
        resident.get_by_test_id("permit-pdf").click()
    with open(download.value.path(), "rb") as handle:
        image, text = first_page(handle.read())
    permit = application.permit
    assert permit.number in text and "Meets the fence code." in text
    assert pdf.verification_url(permit) in text.replace("\r", "").replace("\n", "")
    assert 0.005 < dark_share(image) < 0.5
    resident.goto(pdf.verification_url(permit))
    expect(resident.get_by_test_id("verdict")).to_contain_text("Genuine and valid")
    assert_no_axe_violations(resident, context="the verification page")
