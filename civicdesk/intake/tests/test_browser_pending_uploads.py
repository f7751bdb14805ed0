"""Photos kept in a real browser, with and without JavaScript, in English and Spanish: after a form error
and after the 911 stop the resident sees "Your photos are kept" and the report is filed with them."""

from __future__ import annotations

import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from civicdesk.servicerequests.models import ServiceRequest
from civicdesk.testing.axe import assert_no_axe_violations, new_phone_page
from civicdesk.testing.images import loaded_width
from civicdesk.testing.world import IN_EAST_ELM

pytestmark = pytest.mark.browser

WORDS = {
    "en-US": {"describe": "Describe the problem", "depth": "How deep is it?", "photos": "Photos or a video (optional)",
              "send": "Send report", "kept": "Your photos are kept", "problem": "There is a problem",
              "kept_photo": "Kept photo pothole.jpg", "not_emergency": "I confirm this is not an emergency",
              "title": "Error: "},
    "es": {"describe": "Describa el problema", "depth": "¿Qué profundidad tiene?",
           "photos": "Fotos o un video (opcional)", "send": "Enviar reporte", "kept": "Sus fotos se conservan",
           "problem": "Hay un problema", "kept_photo": "Foto conservada pothole.jpg",
           "not_emergency": "Confirmo que no es una emergencia", "title": "Error: "},
}


@pytest.fixture
def photo_file(tmp_path):
    path = tmp_path / "pothole.jpg"
    Image.new("RGB", (640, 480), (90, 80, 70)).save(path, "JPEG")
    return path


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def open_details(page, base: str) -> None:
    page.goto(f"{base}/report/pothole/details/?lat={IN_EAST_ELM[0]}&long={IN_EAST_ELM[1]}")


def expect_kept(page, words: dict, javascript: bool) -> None:
    expect(page.get_by_test_id("kept-uploads")).to_contain_text(words["kept"])
    thumbnail = page.get_by_role("img", name=words["kept_photo"])
    expect(thumbnail).to_be_visible()
    if javascript:
        # The thumbnail may still be loading on a busy machine: wait for its load (or error) before measuring.
        assert loaded_width(thumbnail) > 0


@pytest.mark.parametrize(("javascript", "language"), [(True, "en-US"), (False, "en-US"), (False, "es")],
                         ids=["js-en", "nojs-en", "nojs-es"])
def test_it_keeps_photos_after_a_form_error(live_server, tworld, browser, photo_file, javascript, language):
    words = WORDS[language]
    page = new_phone_page(browser, javascript=javascript, language=language)
    try:
        open_details(page, live_server.url)
        page.get_by_label(words["describe"]).fill("Hole by the bus stop")
        page.get_by_label(words["photos"]).set_input_files(photo_file)
        page.get_by_role("button", name=words["send"]).click()  # the depth question is unanswered

        expect(page.get_by_test_id("error-summary")).to_be_focused()
        expect(page.get_by_test_id("error-summary")).to_contain_text(words["problem"])
        assert page.title().startswith(words["title"])
        expect_kept(page, words, javascript)
        assert_no_axe_violations(page, context="details with kept photo")

        page.get_by_label(words["depth"]).select_option("deep")
        page.get_by_role("button", name=words["send"]).click()
        tracking = page.get_by_test_id("tracking-number")
        expect(tracking).to_have_text(re.compile(r"^[0-9A-Z]{4}-[0-9A-Z]{4}$"))
        saved = ServiceRequest.objects.get(public_id=tracking.inner_text())
    finally:
        page.context.close()
    assert saved.attachments.count() == 1
    assert saved.attachments.get().kind == "photo"


@pytest.mark.parametrize(("javascript", "language"), [(True, "en-US"), (False, "es")], ids=["js-en", "nojs-es"])
def test_it_keeps_photos_through_the_911_stop(live_server, tworld, browser, photo_file, javascript, language):
    words = WORDS[language]
    page = new_phone_page(browser, javascript=javascript, language=language)
    try:
        open_details(page, live_server.url)
        page.get_by_label(words["describe"]).fill("There is a gas leak next to the hole")
        page.get_by_label(words["depth"]).select_option("deep")
        page.get_by_label(words["photos"]).set_input_files(photo_file)
        page.get_by_role("button", name=words["send"]).click()

        expect(page.get_by_test_id("emergency")).to_be_visible()
        expect_kept(page, words, javascript)
        assert_no_axe_violations(page, context="911 stop with kept photo")
        page.get_by_text(words["not_emergency"]).click()
        page.get_by_role("button", name=words["send"]).click()
        tracking = page.get_by_test_id("tracking-number")
        expect(tracking).to_be_visible()
        saved = ServiceRequest.objects.get(public_id=tracking.inner_text())
    finally:
        page.context.close()
    assert saved.attachments.count() == 1


def test_it_drops_a_kept_photo_the_resident_removes(live_server, tworld, browser, photo_file):
    page = new_phone_page(browser, javascript=False)
    try:
        open_details(page, live_server.url)
        page.get_by_label("Photos or a video (optional)").set_input_files(photo_file)
        page.get_by_role("button", name="Send report").click()
        page.get_by_text("Remove pothole.jpg").click()
        page.get_by_label("How deep is it?").select_option("deep")
        page.get_by_role("button", name="Send report").click()
        tracking = page.get_by_test_id("tracking-number")
        expect(tracking).to_be_visible()
        saved = ServiceRequest.objects.get(public_id=tracking.inner_text())
    finally:
        page.context.close()
    assert saved.attachments.count() == 0
