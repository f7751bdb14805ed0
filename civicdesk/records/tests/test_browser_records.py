"""A public-records request in Chromium on a phone, every page with no axe-core violation: staff acknowledge
it, extend the answer deadline with a reason, gather two documents, redact one citing an exemption and release
in part; the requester opens the signed link from their message and downloads a released document; an expired
link shows how to get a new one, and the requester asks for it; the public log shows the request."""

from __future__ import annotations

import re
import time
from unittest import mock

import pytest
from playwright.sync_api import expect

from civicdesk.insights.tests.test_browser_insights import sign_in
from civicdesk.notifications.models import Delivery
from civicdesk.records import services
from civicdesk.records.demo import DEMO_PDF, build_records_type
from civicdesk.records.models import RecordsRequest, ResponsiveDocument
from civicdesk.staff.tests.people import seat_people
from civicdesk.testing.axe import assert_no_axe_violations, new_phone_page

from .helpers import exemption, submitted

pytestmark = pytest.mark.browser

PDF = {"mimeType": "application/pdf", "buffer": DEMO_PDF}


def test_it_extends_releases_in_part_and_expires_the_link(live_server, tworld, browser, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.SITE_URL = live_server.url
    seats = seat_people(tworld)
    kind_type = build_records_type(tworld.elm, department=tworld.public_works)
    application = submitted(kind_type, tworld.alice, description="Pool inspection reports of 2025 quokkabright")
    number = f"PRR-{application.pk:06d}"
    base = live_server.url

    staff = new_phone_page(browser)
    sign_in(staff, base, seats.supervisor.email)
    staff.get_by_role("link", name="Public records requests to answer").click()
    expect(staff.get_by_test_id("queue")).to_contain_text(number)
    assert_no_axe_violations(staff, context="records queue")
    staff.get_by_role("link", name=number).click()
    assert_no_axe_violations(staff, context="a request's staff page")
    staff.get_by_role("button", name="Acknowledge the request").click()
    expect(staff.get_by_test_id("ack")).to_contain_text("acknowledged")
    due_before = staff.get_by_test_id("due").inner_text()
    staff.get_by_label("Business days").fill("5")
    staff.get_by_label("Reason (the requester reads it)").fill("The reports are in the off-site archive.")
    staff.get_by_role("button", name="Extend and tell the requester").click()
    expect(staff.get_by_test_id("extensions")).to_have_text("1 / 1")
    assert staff.get_by_test_id("due").inner_text() != due_before
    for name in ("pool-report.pdf", "complaint.pdf"):
        staff.get_by_label("Responsive document").set_input_files({"name": name, **PDF})
        staff.get_by_role("button", name="Add the document").click()
        expect(staff.get_by_test_id("documents")).to_contain_text(name)
    complaint = ResponsiveDocument.objects.get(original_name="complaint.pdf")
    prefix = f"#id_d{complaint.pk}-"
    staff.locator(f"{prefix}treatment").select_option("partial")
    staff.locator(f"{prefix}exemption").select_option(str(exemption(tworld).pk))
    staff.locator(f"{prefix}redacted").set_input_files({"name": "complaint-redacted.pdf", **PDF})
    staff.get_by_role("button", name="Save “complaint.pdf”").click()
    expect(staff.get_by_test_id("documents")).to_contain_text("Release in part (redacted)")
    assert_no_axe_violations(staff, context="documents marked")
    staff.get_by_label("Granted in part").check()
    staff.get_by_role("button", name="Release and send the link").click()
    expect(staff.get_by_test_id("status")).to_have_text("Granted in part")
    assert_no_axe_violations(staff, context="released request")

    message = Delivery.objects.filter(address=tworld.alice.email, subject__contains="Records released").get()
    link = re.search(r"(/records/release/[^/\s]+/)", message.body_text).group(1)
    assert "off-site archive" in "".join(Delivery.objects.filter(address=tworld.alice.email)
                                        .values_list("body_text", flat=True))
    requester = new_phone_page(browser)
    requester.goto(f"{base}{link}")
    expect(requester.get_by_test_id("outcome")).to_have_text("Granted in part")
    expect(requester.get_by_test_id("documents")).to_contain_text("Unwarranted invasion of personal privacy")
    assert_no_axe_violations(requester, context="release page")
    with requester.expect_download() as download:
        requester.get_by_role("link", name="complaint.pdf").click()
    assert download.value.suggested_filename == "complaint.pdf"

    records = RecordsRequest.objects.get(application=application)
    with mock.patch("time.time", return_value=time.time() - 31 * 86400):
        expired = services.release_url(records)
    requester.goto(f"{base}{expired}")
    expect(requester.get_by_role("heading", name="This download link has expired")).to_be_visible()
    assert_no_axe_violations(requester, context="expired link")
    requester.get_by_role("link", name="Open my request").click()
    requester.fill("#id_username", tworld.alice.email)
    requester.fill("#id_password", "correct horse battery")
    requester.get_by_role("button", name="Sign in").click()
    expect(requester.get_by_test_id("outcome")).to_have_text("Granted in part")
    assert_no_axe_violations(requester, context="the requester's page")
    requester.get_by_role("button", name="Send me a new link").click()
    expect(requester.get_by_text("A new download link is on its way to you.")).to_be_visible()

    public = new_phone_page(browser)
    public.goto(f"{base}/records/")
    expect(public.get_by_test_id("log")).to_contain_text("quokkabright")
    assert tworld.alice.email not in public.content()
    assert_no_axe_violations(public, context="public log")
    public.get_by_role("link", name=number).click()
    expect(public.get_by_test_id("documents")).to_contain_text("complaint.pdf")
    assert_no_axe_violations(public, context="public log entry")
