"""Text extraction from every accepted format (files generated here), and files whose text cannot be read."""

from __future__ import annotations

from civicdesk.documents import samples
from civicdesk.documents.extract import extract
from civicdesk.lib import documents as checks

TEXT = ["The zqwater treatment plant reported results.", "Lead levels stayed below the action level."]
ROWS = {"Lead": [["Site", "ppb"], ["Zqmain Street", 3]], "Copper": [["Site", "ppm"], ["Elm Park", 0.2]]}


def test_it_reads_the_text_and_pages_of_a_pdf():
    found = extract(samples.pdf("Water report", TEXT), checks.PDF, 10_000)
    assert found.status == "done" and found.pages == 1
    assert "zqwater treatment plant" in found.text and "Water report" in found.text


def test_it_reads_word_and_opendocument_text():
    for data, content_type in ((samples.docx("Water report", TEXT), checks.DOCX),
                               (samples.odt("Water report", TEXT), checks.ODT)):
        found = extract(data, content_type, 10_000)
        assert found.status == "done", content_type
        assert found.text.splitlines() == ["Water report", *TEXT], content_type


def test_it_reads_every_sheet_of_a_spreadsheet_and_counts_them():
    for data, content_type in ((samples.xlsx(ROWS), checks.XLSX), (samples.ods(ROWS), checks.ODS)):
        found = extract(data, content_type, 10_000)
        assert found.status == "done" and found.sheets == 2, content_type
        assert "Zqmain Street" in found.text and "Elm Park" in found.text, content_type
    found = extract(samples.csv_bytes([["Site", "ppb"], ["Zqmain Street", 3]]), checks.CSV, 10_000)
    assert found.text == "Site ppb\nZqmain Street 3"


def test_it_caps_the_text_it_keeps():
    found = extract(samples.docx("Long", ["word " * 400] * 50), checks.DOCX, 1000)
    assert found.status == "done" and len(found.text) == 1000


def test_it_says_when_a_pdf_has_no_text_is_encrypted_or_is_damaged():
    assert extract(samples.image_pdf(), checks.PDF, 10_000).status == "no_text"
    assert extract(samples.encrypted_pdf("Secret", TEXT), checks.PDF, 10_000).status == "encrypted"
    damaged = extract(b"%PDF-1.7\nnot really a pdf\n%%EOF", checks.PDF, 10_000)
    assert damaged.status == "failed" and damaged.error
    assert extract(b"PK\x03\x04broken", checks.DOCX, 10_000).status == "failed"
