"""Checking uploaded documents by their content (civicdesk/lib/documents.py): what passes, what is refused."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from civicdesk.documents import samples
from civicdesk.lib import documents as checks
from civicdesk.lib.media import MediaError

LIMIT = 5 * 1024 * 1024
TEXT = ["The council adopted the zqriver plan.", "Flood gates close at midnight."]


def check(name: str, data: bytes, *, declared: str = "application/octet-stream", **options):
    return checks.check_document(SimpleUploadedFile(name, data, content_type=declared), limit=LIMIT, **options)


def zip_of(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def test_it_accepts_each_office_format_by_its_content_whatever_the_name():
    assert check("agenda.bin", samples.pdf("Agenda", TEXT)).content_type == checks.PDF
    assert check("minutes.pdf", samples.docx("Minutes", TEXT)).extension == "docx"
    assert check("plan", samples.odt("Plan", TEXT)).extension == "odt"
    assert check("report.csv", samples.xlsx({"Lead": [["Site", "ppb"], ["Main St", 3]]})).extension == "xlsx"
    assert check("report.xlsx", samples.ods({"Lead": [["Site", "ppb"]]})).extension == "ods"
    assert check("data.txt", samples.csv_bytes([["Site", "ppb"], ["Main St", 3], ["Elm", 4]])).content_type == "text/csv"


def test_it_refuses_a_pdf_that_is_really_html():
    page = b"<!DOCTYPE html><html><body><script>alert('zqhtml')</script></body></html>"
    with pytest.raises(MediaError, match="not a document we can publish"):
        check("bylaw.pdf", page, declared="application/pdf")


def test_it_refuses_a_renamed_program():
    program = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200 + b"This program cannot be run in DOS mode"
    with pytest.raises(MediaError, match="not a document we can publish"):
        check("minutes.docx", program, declared=checks.DOCX)
    with pytest.raises(MediaError, match="not a document we can publish"):
        check("map.png", program, allow_images=True)


def test_it_refuses_a_truncated_pdf():
    with pytest.raises(MediaError, match="damaged or incomplete"):
        check("agenda.pdf", samples.pdf("Agenda", TEXT)[:-200])


def test_it_refuses_a_zip_bomb_from_its_directory_alone(settings):
    settings.DOCUMENT_MAX_UNCOMPRESSED_BYTES = 1024 * 1024
    bomb = zip_of({"[Content_Types].xml": b"application/vnd.openxmlformats-officedocument.wordprocessingml."
                                           b"document.main+xml", "word/document.xml": b"\x00" * (8 * 1024 * 1024)})
    assert len(bomb) < 64 * 1024
    with pytest.raises(MediaError, match="unpacks to far more data"):
        check("report.docx", bomb)


def test_it_refuses_a_zip_with_too_many_members(settings):
    settings.DOCUMENT_MAX_ZIP_MEMBERS = 50
    crowded = zip_of({"mimetype": checks.ODT.encode(), **{f"part{n}.xml": b"<a/>" for n in range(60)}})
    with pytest.raises(MediaError, match="unpacks to far more data"):
        check("plan.odt", crowded)


def test_it_refuses_macro_enabled_word_and_excel_files():
    docm = zip_of({"[Content_Types].xml": b'<Types><Override PartName="/word/document.xml" ContentType='
                                          b'"application/vnd.ms-word.document.macroEnabled.main+xml"/></Types>',
                   "word/document.xml": b"<w:document/>", "word/vbaProject.bin": b"\xd0\xcf\x11\xe0"})
    with pytest.raises(MediaError, match="contains macros"):
        check("minutes.docx", docm)
    xlsm = zip_of({"[Content_Types].xml": b"application/vnd.ms-excel.sheet.macroEnabled.main+xml"})
    with pytest.raises(MediaError, match="contains macros"):
        check("report.xlsx", xlsm)
    hidden = zip_of({"[Content_Types].xml": b"application/vnd.openxmlformats-officedocument.wordprocessingml."
                                            b"document.main+xml", "word/vbaProject.bin": b"\xd0\xcf"})
    with pytest.raises(MediaError, match="contains macros"):
        check("minutes.docx", hidden)


def test_it_refuses_opendocument_files_with_basic_macros():
    odt = zip_of({"mimetype": checks.ODT.encode(), "content.xml": b"<office:document-content/>",
                  "Basic/Standard/Module1.xml": b"<script:module/>"})
    with pytest.raises(MediaError, match="contains macros"):
        check("plan.odt", odt)


def test_it_refuses_other_zips_and_presentations():
    with pytest.raises(MediaError, match="not a document we can publish"):
        check("archive.docx", zip_of({"readme.txt": b"hello"}))
    with pytest.raises(MediaError, match="not a document we can publish"):
        check("slides.odt", zip_of({"mimetype": b"application/vnd.oasis.opendocument.presentation"}))


def test_it_refuses_text_that_is_not_a_table():
    with pytest.raises(MediaError, match="not a document we can publish"):
        check("notes.csv", b"Just a sentence of notes with no columns at all\nand another one\n")
    with pytest.raises(MediaError, match="not a document we can publish"):
        check("data.csv", b"<html><body>a,b\n1,2</body></html>")


def test_it_accepts_images_only_when_asked_and_re_encodes_them():
    picture = samples.map_png("Zoning", [("R1", (200, 230, 200))])
    with pytest.raises(MediaError, match="not a document we can publish"):
        check("map.png", picture)
    checked = check("map.png", picture, allow_images=True)
    assert checked.is_image and checked.content_type.startswith("image/")


def test_it_refuses_a_file_over_the_limit_before_reading_it_all():
    with pytest.raises(MediaError, match="too large"):
        checks.check_document(SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * 2000), limit=1000)
