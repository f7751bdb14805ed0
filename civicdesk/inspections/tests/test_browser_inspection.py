"""An inspection in Chromium on a phone, every page with no axe-core violation: the applicant books a time, the
inspector publishes availability, opens the day list and records a failed result with a photo, and the applicant
books again."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from playwright.sync_api import expect

from civicdesk.applications.demo import submitted_fence
from civicdesk.applications.tests.test_browser_fence_permit import resident_signs_in
from civicdesk.insights.tests.test_browser_insights import sign_in
from civicdesk.inspections.models import Booking
from civicdesk.testing.axe import assert_no_axe_violations, new_phone_page

from .helpers import inspected_fence, slot

pytestmark = pytest.mark.browser


def photo_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (80, 60), (90, 120, 60)).save(buffer, "JPEG")
    return buffer.getvalue()


def test_it_books_fails_and_books_again_on_a_phone(live_server, tworld, browser, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.MAP_TILE_URL = ""
    base = live_server.url
    kind = inspected_fence(tworld)
    application = submitted_fence(kind, tworld.alice)
    first = slot(tworld, days=2)
    slot(tworld, days=3)

    resident = new_phone_page(browser)
    resident_signs_in(resident, base, tworld.alice.email)
    resident.goto(f"{base}{application.get_absolute_url()}")
    expect(resident.get_by_test_id("inspection")).to_contain_text("This permit needs an inspection")
    assert_no_axe_violations(resident, context="booking an inspection")
    resident.get_by_test_id("book").click()
    expect(resident.get_by_test_id("inspection-bookings")).to_contain_text("Booked")
    assert_no_axe_violations(resident, context="an inspection booked")

    inspector = new_phone_page(browser)
    sign_in(inspector, base, tworld.bob.email)
    inspector.goto(f"{base}/staff/inspections/")
    assert_no_axe_violations(inspector, context="inspector's availability")
    inspector.goto(f"{base}/staff/inspections/day/?date={first.starts_at.astimezone(tworld.elm.tz):%Y-%m-%d}")
    expect(inspector.get_by_test_id("day")).to_contain_text(application.number)
    assert_no_axe_violations(inspector, context="inspector's day list")
    inspector.get_by_role("link", name=application.number).click()
    assert_no_axe_violations(inspector, context="the result page")
    inspector.locator("label", has_text="Failed").click()
    inspector.get_by_label("Notes (the applicant reads them)").fill("Posts are not set in concrete.")
    inspector.get_by_label("Photos (optional)").set_input_files(
        {"name": "post.jpg", "mimeType": "image/jpeg", "buffer": photo_bytes()})
    inspector.get_by_role("button", name="Record the result").click()
    expect(inspector.get_by_test_id("result")).to_have_text("Failed")
    assert_no_axe_violations(inspector, context="the recorded result")
    assert Booking.objects.get().photos.count() == 1

    resident.reload()
    expect(resident.get_by_test_id("inspection")).to_contain_text("The inspection did not pass")
    expect(resident.get_by_test_id("inspection-bookings")).to_contain_text("Posts are not set in concrete.")
    assert_no_axe_violations(resident, context="a failed inspection")
    resident.get_by_test_id("book").click()
    expect(resident.get_by_test_id("inspection-bookings")).to_contain_text("Booked")
    assert Booking.objects.filter(application=application).count() == 2
