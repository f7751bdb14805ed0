"""The boundary upload with its map preview, and the go-live checklist, in Chromium: an admin signs in with two
factors, uploads a zipped state-plane shapefile, sees the wards drawn and named, saves; axe reports no
violation (any impact) with JavaScript and without."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from civicdesk.accounts.models import User
from civicdesk.jurisdictions.models import District, StaffMembership
from civicdesk.testing.auth import current_code, totp_device
from civicdesk.testing.axe import assert_no_axe_violations, new_phone_page

from . import files

pytestmark = pytest.mark.browser
PASSWORD = "correct horse battery"


@pytest.fixture
def ada(transactional_db):
    town = files.make_town()
    user = User.objects.create_user(email="ada@fallsburg.example.gov", password=PASSWORD, is_staff=True)
    StaffMembership.objects.create(user=user, jurisdiction=town, role=StaffMembership.Role.ADMIN)
    return user


def sign_in(page, base: str, user, *, next_url: str = "/staff/onboarding/", heading: str = "Go-live checklist"
            ) -> None:
    """Password, then the authenticator code, landing on `next_url` (whose level-1 heading is `heading`)."""
    device = totp_device(user)
    page.goto(f"{base}/account/login/?next={next_url}")
    page.fill("#id_username", user.email)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.fill("#id_token", current_code(device))
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("heading", name=heading, level=1)).to_be_visible()


def upload_wards(page, tmp_path) -> None:
    path = tmp_path / "wards.zip"
    path.write_bytes(files.shapefile_zip())
    page.get_by_role("link", name="Import boundaries").click()
    expect(page.get_by_role("heading", name="Import boundaries", level=1)).to_be_visible()
    assert_no_axe_violations(page, context="upload form")
    page.get_by_label("Boundary file").set_input_files(str(path))
    page.get_by_label("Districts").check()
    page.get_by_label("Jurisdiction", exact=True).select_option(label="Fallsburg")
    page.get_by_role("button", name="Upload and preview").click()
    expect(page.get_by_role("heading", name="Preview of wards.zip")).to_be_visible()
    page.get_by_label("Attribute that holds the names").select_option("WARD_NAME")
    page.get_by_role("button", name="Check again with this attribute").click()
    expect(page.get_by_test_id("feature-1")).to_contain_text("North Ward")


def test_it_previews_wards_on_a_map_and_saves_them(live_server, ada, browser, settings, tmp_path):
    settings.MAP_TILE_URL = ""
    page = new_phone_page(browser)
    try:
        sign_in(page, live_server.url, ada)
        assert_no_axe_violations(page, context="go-live checklist")
        expect(page.get_by_test_id("check-districts")).to_contain_text("There are no districts")
        upload_wards(page, tmp_path)
        expect(page.locator("#boundary-map")).to_be_visible()
        expect(page.locator("#boundary-map path.leaflet-interactive")).to_have_count(2)
        expect(page.locator("#boundary-map .cd-boundary-label")).to_have_text(["North Ward", "South Ward"])
        assert_no_axe_violations(page, context="boundary preview with its map")
        page.get_by_role("button", name="Save these boundaries").click()
        expect(page.get_by_text("Saved: 2 added, 0 replaced.")).to_be_visible()
        assert sorted(District.objects.values_list("name", flat=True)) == ["North Ward", "South Ward"]
        expect(page.get_by_test_id("check-districts")).to_contain_text("South Ward")
        assert_no_axe_violations(page, context="checklist after the import")
    finally:
        page.context.close()


def test_it_sends_a_demo_test_text_from_the_checklist(live_server, ada, browser, settings):
    from django.core.cache import cache

    from civicdesk.notifications.models import SmsMessage
    from civicdesk.onboarding.checklist import SMS_CHECK_CACHE_KEY

    cache.delete(SMS_CHECK_CACHE_KEY)
    settings.NOTIFICATION_TRANSPORTS = {**settings.NOTIFICATION_TRANSPORTS,
                                        "sms": "civicdesk.notifications.transports.sms.DevelopmentSms"}
    page = new_phone_page(browser)
    try:
        sign_in(page, live_server.url, ada)
        expect(page.get_by_test_id("sms-development")).to_contain_text("nothing leaves this machine")
        page.get_by_label("Mobile number for a test text").fill("call me")
        page.get_by_role("button", name="Send a test text").click()
        expect(page.get_by_role("alert")).to_contain_text("Enter a phone number using digits only")
        assert_no_axe_violations(page, context="test text with a number it cannot read")
        page.get_by_label("Mobile number for a test text").fill("706-555-0142")
        page.get_by_role("button", name="Send a test text").click()
        expect(page.get_by_test_id("sms-result")).to_contain_text("nothing left this machine")
        expect(page.get_by_test_id("check-sms")).to_contain_text("kept the test text to +17065550142")
        assert_no_axe_violations(page, context="checklist after a demo test text")
        assert SmsMessage.objects.get().to == "+17065550142"
    finally:
        page.context.close()
        cache.delete(SMS_CHECK_CACHE_KEY)


def test_it_previews_without_javascript_as_a_table(live_server, ada, browser, settings, tmp_path):
    settings.MAP_TILE_URL = ""
    page = new_phone_page(browser, javascript=False)
    try:
        sign_in(page, live_server.url, ada)
        upload_wards(page, tmp_path)
        expect(page.locator("#boundary-map")).to_be_hidden()
        expect(page.get_by_test_id("feature-2")).to_contain_text("South Ward")
        assert_no_axe_violations(page, context="boundary preview without JavaScript")
    finally:
        page.context.close()


def test_it_draws_a_district_on_the_admin_map(live_server, ada, browser, settings):
    from django.contrib.auth.models import Permission

    settings.MAP_TILE_URL = ""
    ada.user_permissions.add(*Permission.objects.filter(codename__in=["view_district", "change_district"]))
    town = StaffMembership.objects.get(user=ada).jurisdiction
    district = District.objects.create(jurisdiction=town, name="North Ward", slug="north-ward",
                                       boundary={"type": "Polygon", "coordinates": files.WARDS["North Ward"]})
    page = new_phone_page(browser)
    try:
        sign_in(page, live_server.url, ada)
        page.goto(f"{live_server.url}/admin/jurisdictions/district/{district.pk}/change/")
        widget = page.locator(f"#boundary-district-{district.pk}-map")
        expect(widget).to_be_visible()
        expect(widget.locator("path.leaflet-interactive")).to_have_count(1)
        expect(widget.locator(".cd-boundary-label")).to_have_text("North Ward")
        page.get_by_role("link", name="Replace this boundary by uploading a file").click()
        expect(page.get_by_label("Replace boundaries that already exist")).to_be_checked()
    finally:
        page.context.close()
