"""Checking an uploaded document by its content before it is stored: PDF, Word, OpenDocument, spreadsheets.

Shared by meeting documents (civicdesk/meetings/documents.py: PDFs and photos) and the document library
(civicdesk/documents: every format below). The type is always sniffed from the bytes, never taken from the
file's name or the type the browser declared:

- PDF: starts with "%PDF-" and has "%%EOF" near its end (a truncated upload does not).
- Word .docx and Excel .xlsx: a zip whose `[Content_Types].xml` names the main part; the macro-enabled
  variants (.docm, .xlsm) and any zip holding a `vbaProject.bin` are refused.
- OpenDocument .odt and .ods: a zip whose first-class `mimetype` member names the type; documents with
  Basic or script macros are refused.
- CSV: UTF-8 text (no NUL bytes, not HTML) whose first lines split into the same number of columns.

Zip-based files are opened safely: the member count and the total uncompressed size are capped before
anything is decompressed (a "zip bomb" is refused from its directory alone). Python's zipfile never returns
more bytes than a member's declared size, so the declared sizes are a real bound for the extractor too.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from . import media

_MB = 1024 * 1024
PDF_MAGIC = b"%PDF-"
_ZIP_MAGIC = b"PK\x03\x04"
_CONTENT_TYPES_CAP = 512 * 1024

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
CSV = "text/csv"

#: content type -> file extension, for every non-image type this module accepts.
EXTENSIONS = {PDF: "pdf", DOCX: "docx", XLSX: "xlsx", ODT: "odt", ODS: "ods", CSV: "csv"}

#: The main part of an Office Open XML package, as its [Content_Types].xml names it.
_OOXML_MAIN = {
    b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": DOCX,
    b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": XLSX,
}
_OOXML_MACRO_MAIN = (b"application/vnd.ms-word.document.macroEnabled.main+xml",
                     b"application/vnd.ms-word.template.macroEnabledTemplate.main+xml",
                     b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
                     b"application/vnd.ms-excel.template.macroEnabled.main+xml",
                     b"application/vnd.ms-excel.sheet.binary.macroEnabled.main",
                     b"application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml")
_ODF_TYPES = {ODT.encode(): ODT, ODS.encode(): ODS}
_HTML_STARTS = (b"<!doctype", b"<html", b"<head", b"<body", b"<script", b"<?xml", b"<svg", b"<iframe")


@dataclass(frozen=True)
class CheckedFile:
    """A file that passed the checks: its bytes (re-encoded for images), sniffed type and extension."""

    content: bytes
    content_type: str
    extension: str
    original_name: str

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


def size_label(size: int) -> str:
    """A file size as staff and residents read it: "240 KB" (at least 1 KB) or "1.3 MB"."""
    if size < _MB:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / _MB:.1f} MB"


def clean_name(upload: Any) -> str:
    """The upload's file name without any folder part, at most 200 characters (shown to staff only)."""
    return str(getattr(upload, "name", "") or "").replace("\\", "/").rsplit("/", 1)[-1][:200]


def too_large(limit: int) -> media.MediaError:
    return media.MediaError(_("This document is too large. Documents can be at most %(mb)s MB.")
                            % {"mb": f"{limit / _MB:.0f}"})


def read_capped(upload: Any, limit: int) -> bytes:
    """The whole upload, or too_large() as soon as it is over `limit` bytes (never reads more than limit+1)."""
    size = getattr(upload, "size", None)
    if isinstance(size, int) and size > limit:
        raise too_large(limit)
    upload.seek(0)
    data = upload.read(limit + 1) or b""
    if len(data) > limit:
        raise too_large(limit)
    return data


def is_pdf(data: bytes) -> bool:
    return data.startswith(PDF_MAGIC)


def check_pdf(data: bytes) -> None:
    """MediaError unless the PDF ends as a complete PDF does ("%%EOF" in its last 2 KB)."""
    if b"%%EOF" not in data[-2048:]:
        raise media.MediaError(_("This PDF seems to be damaged or incomplete. Please upload it again."))


def not_accepted() -> media.MediaError:
    return media.MediaError(_("This file is not a document we can publish. Please upload a PDF, a Word (.docx) "
                              "or OpenDocument (.odt) text, a spreadsheet (.xlsx, .ods or .csv), or for a map "
                              "a JPEG or PNG image."))


def _macros() -> media.MediaError:
    return media.MediaError(_("This file contains macros (programs), which we never publish. Save it as a plain "
                              "document (.docx, .xlsx, .odt or .ods) without macros and upload that."))


def _bomb() -> media.MediaError:
    return media.MediaError(_("This file unpacks to far more data than a document holds, so we cannot check it "
                              "safely. Save it again from your office program and upload that copy."))


def zip_limits() -> tuple[int, int]:
    """(most members, most uncompressed bytes) a zip-based document may have (settings
    DOCUMENT_MAX_ZIP_MEMBERS and DOCUMENT_MAX_UNCOMPRESSED_BYTES)."""
    return (getattr(settings, "DOCUMENT_MAX_ZIP_MEMBERS", 2000),
            getattr(settings, "DOCUMENT_MAX_UNCOMPRESSED_BYTES", 200 * _MB))


def open_zip(data: bytes) -> zipfile.ZipFile:
    """The zip, after its directory alone passed the member-count and uncompressed-size limits; MediaError
    for a damaged zip or a zip bomb."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        raise media.MediaError(_("This file seems to be damaged or incomplete. Please upload it again.")) from exc
    most_members, most_bytes = zip_limits()
    if len(members) > most_members or sum(member.file_size for member in members) > most_bytes:
        raise _bomb()
    return archive


def _read_member(archive: zipfile.ZipFile, name: str, cap: int) -> bytes | None:
    try:
        with archive.open(name) as handle:
            return handle.read(cap)
    except KeyError:
        return None
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
        raise media.MediaError(_("This file seems to be damaged or incomplete. Please upload it again.")) from exc


def sniff_zip(data: bytes) -> str:
    """The content type of a zip-based office document (DOCX, XLSX, ODT, ODS), or MediaError: macros,
    zip bombs, damaged files and any other zip (an app, an archive, a presentation) are refused."""
    archive = open_zip(data)
    names = {name.lower() for name in archive.namelist()}
    if any(name.endswith("vbaproject.bin") for name in names):
        raise _macros()
    mimetype = _read_member(archive, "mimetype", 200)
    if mimetype is not None:
        found = _ODF_TYPES.get(mimetype.strip())
        if found is None:
            raise not_accepted()
        if any(name.startswith(("basic/", "scripts/")) for name in names):
            raise _macros()
        return found
    types = _read_member(archive, "[Content_Types].xml", _CONTENT_TYPES_CAP)
    if types is None:
        raise not_accepted()
    if any(macro in types for macro in _OOXML_MACRO_MAIN):
        raise _macros()
    for main, content_type in _OOXML_MAIN.items():
        if main in types:
            return content_type
    raise not_accepted()


def looks_like_csv(data: bytes) -> bool:
    """True for UTF-8 text without NUL bytes, not HTML or XML, whose first lines split into the same number
    (two or more) of comma, semicolon or tab separated columns."""
    if not data or b"\x00" in data[:65536]:
        return False
    head = data[:65536].lstrip().lower()
    if head.startswith(_HTML_STARTS) or head.startswith(b"\xef\xbb\xbf<"):
        return False
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    lines = [line for line in text[:65536].splitlines()[:20] if line.strip()]
    if len(lines) < 2:
        return False
    for delimiter in (",", ";", "\t"):
        try:
            widths = {len(row) for row in csv.reader(lines[:-1] if len(lines) > 2 else lines,
                                                     delimiter=delimiter)}
        except csv.Error:
            continue
        if len(widths) == 1 and widths.pop() >= 2:
            return True
    return False


def check_document(upload: Any, *, limit: int, allow_images: bool = False) -> CheckedFile:
    """The upload as a storable document, or media.MediaError with a message for staff.

    At most `limit` bytes. Images (JPEG, PNG, WebP, HEIC) only when `allow_images` (zoning maps): they go
    through the photo checks of lib/media (re-encoded, metadata stripped). Videos and everything else are
    refused."""
    name = clean_name(upload)
    data = read_capped(upload, limit)
    if is_pdf(data):
        check_pdf(data)
        return CheckedFile(data, PDF, "pdf", name)
    if data.startswith(_ZIP_MAGIC):
        content_type = sniff_zip(data)
        return CheckedFile(data, content_type, EXTENSIONS[content_type], name)
    if looks_like_csv(data):
        return CheckedFile(data, CSV, "csv", name)
    if not allow_images:
        raise not_accepted()
    upload.seek(0)
    try:
        processed = media.process_upload(upload)
    except media.MediaError as exc:
        raise not_accepted() from exc
    if processed.kind != "photo":
        raise not_accepted()
    return CheckedFile(processed.content, processed.content_type, processed.extension, name)
