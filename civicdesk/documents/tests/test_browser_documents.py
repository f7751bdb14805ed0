"""The document library in Chromium, in English and Spanish, with and without JavaScript: filters, a document
page, a download; the staff upload page; axe-core (no violation of any impact) on each page."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from civicdesk.documents import samples
from civicdesk.documents.models import Document
from civicdesk.staff.tests.test_browser_console import sign_in
from civicdesk.testing.axe import assert_no_axe_violations, new_phone_page

from .helpers import editors, make_document

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("language,javascript", [("en-US", True), ("es", False)])
def test_it_lets_a_resident_filter_the_library_and_download_a_document(live_server, tworld, browser, language,
                                                                       javascript):
    make_document(tworld, title={"en": "Noise bylaw", "es": "Reglamento de ruido"},
                  effective_from=dt.date(2025, 3, 1), department=tworld.public_works)
    make_document(tworld, kind=Document.Kind.FORM, data=samples.docx("Fence permit", ["Fill in."]),
                  title={"en": "Fence permit application", "es": "Solicitud de permiso para cercas"},
                  summary={"en": "For fences over four feet.", "es": "Para cercas de más de cuatro pies."})
    make_document(tworld, kind=Document.Kind.PLAN, title={"en": "Old snow plan", "es": "Plan de nieve antiguo"},
                  effective_from=dt.date(2015, 1, 1), effective_until=dt.date(2020, 1, 1), extract=False)
    spanish = language == "es"
    page = new_phone_page(browser, javascript=javascript, language=language)
    try:
        page.goto(f"{live_server.url}/documents/")
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Biblioteca de documentos" if spanish else "Document library")
        expect(page.get_by_test_id("documents").get_by_role("listitem")).to_have_count(2)
        assert_no_axe_violations(page, context=f"library ({language})")
        page.get_by_label("Tipo" if spanish else "Kind").select_option("form")
        page.get_by_role("button", name="Mostrar documentos" if spanish else "Show documents").click()
        expect(page.get_by_test_id("documents").get_by_role("listitem")).to_have_count(1)
        page.get_by_label("Mostrar" if spanish else "Show", exact=True).select_option("all")
        page.get_by_label("Tipo" if spanish else "Kind").select_option("")
        page.get_by_role("button", name="Mostrar documentos" if spanish else "Show documents").click()
        expect(page.get_by_test_id("documents").get_by_role("listitem")).to_have_count(3)
        expect(page.get_by_test_id("force").first).to_be_visible()
        assert_no_axe_violations(page, context=f"library, all ({language})")

        page.get_by_role("link", name="Solicitud de permiso para cercas" if spanish else "Fence permit application").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Solicitud de permiso para cercas" if spanish else "Fence permit application")
        expect(page.get_by_test_id("current-version")).to_contain_text(
            "Documento de Word" if spanish else "Word document")
        assert_no_axe_violations(page, context=f"document page ({language})")
        with page.expect_download() as download:
            page.get_by_test_id("current-version").get_by_role("link").click()
        assert download.value.suggested_filename == "fence-permit-application-v1.docx"
    finally:
        page.context.close()


def test_it_lets_an_editor_upload_a_document(live_server, tworld, page, tmp_path):
    people = editors(tworld)
    sign_in(page, live_server.url, people.writer.email)
    page.get_by_role("link", name="Document library").first.click()  # the console link (the footer one is public)
    expect(page.get_by_role("heading", level=1)).to_have_text("Document library")
    assert_no_axe_violations(page, context="staff library")
    page.get_by_role("link", name="Upload a document").click()
    assert_no_axe_violations(page, context="staff upload")
    page.get_by_label("Kind").select_option("report")
    page.locator("#id_title__en").fill("Water quality report")
    path = tmp_path / "water.xlsx"
    path.write_bytes(samples.xlsx({"Lead": [["Site", "ppb"], ["Main St", 2]]}))
    page.locator("#id_file").set_input_files(str(path))
    page.get_by_role("button", name="Upload and save as a draft").click()
    expect(page.get_by_test_id("versions")).to_contain_text("Spreadsheet (Excel)")
    assert_no_axe_violations(page, context="staff files page")
    assert Document.objects.get().versions.get().extension == "xlsx"
