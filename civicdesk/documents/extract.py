"""Reading the text (and page or sheet count) out of a stored document version, for search and for editors.

One function per format, each a maintained library: pypdf, python-docx, odfpy, openpyxl (read-only mode) and
the standard csv module. Every reader stops once `cap` characters are collected. A file whose text cannot be
read is reported, never raised: `Extracted.status` says why (no text, encrypted, damaged).
"""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Iterator
from dataclasses import dataclass

from civicdesk.lib import documents as checks

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Extracted:
    text: str
    status: str          # a DocumentVersion.TextStatus value
    pages: int | None = None
    sheets: int | None = None
    error: str = ""


def extract(data: bytes, content_type: str, cap: int) -> Extracted:
    """The text of a file of a type lib/documents accepted, at most `cap` characters."""
    if content_type.startswith("image/"):
        return Extracted("", "image")
    reader = _READERS.get(content_type)
    if reader is None:
        return Extracted("", "failed", error=f"no reader for {content_type}")
    try:
        return reader(data, cap)
    except Exception as exc:  # a damaged file of any kind: publish it anyway and tell editors
        log.info("document text extraction failed (%s): %s", content_type, exc)
        return Extracted("", "failed", error=f"{type(exc).__name__}: {exc}"[:300])


def _collect(parts: Iterator[str], cap: int) -> str:
    out: list[str] = []
    total = 0
    for part in parts:
        part = (part or "").strip()
        if not part:
            continue
        out.append(part)
        total += len(part) + 1
        if total >= cap:
            break
    return "\n".join(out)[:cap]


def _result(text: str, **counts) -> Extracted:
    return Extracted(text, "done" if text.strip() else "no_text", **counts)


def _pdf(data: bytes, cap: int) -> Extracted:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        try:
            opened = reader.decrypt("")  # "owner password only" PDFs open for reading with an empty password
        except Exception:
            opened = 0
        if not opened:
            return Extracted("", "encrypted", pages=None, error="encrypted")
    pages = len(reader.pages)
    return _result(_collect((page.extract_text() for page in reader.pages), cap), pages=pages)


def _docx(data: bytes, cap: int) -> Extracted:
    import docx

    document = docx.Document(io.BytesIO(data))

    def parts():
        for paragraph in document.paragraphs:
            yield paragraph.text
        for table in document.tables:
            for row in table.rows:
                yield " | ".join(cell.text for cell in row.cells)
    return _result(_collect(parts(), cap))


def _odf(data: bytes, cap: int, spreadsheet: bool) -> Extracted:
    from odf import teletype
    from odf.opendocument import load
    from odf.table import Table

    checks.open_zip(data)  # the stored bytes pass the zip limits again before odfpy unpacks them
    document = load(io.BytesIO(data))
    body = document.spreadsheet if spreadsheet else document.text

    def paragraphs(node):
        """Every paragraph and heading in reading order (lists, tables and sections hold more of them)."""
        for child in node.childNodes:
            if getattr(child, "qname", ("", ""))[1] in ("p", "h"):
                yield teletype.extractText(child)
            elif getattr(child, "childNodes", None):
                yield from paragraphs(child)
    text = _collect(paragraphs(body), cap)
    return _result(text, sheets=len(body.getElementsByType(Table))) if spreadsheet else _result(text)


def _xlsx(data: bytes, cap: int) -> Extracted:
    from openpyxl import load_workbook

    checks.open_zip(data)
    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        def parts():
            for sheet in workbook.worksheets:
                yield sheet.title
                for row in sheet.iter_rows(values_only=True):
                    yield " ".join(str(value) for value in row if value is not None)
        return _result(_collect(parts(), cap), sheets=len(workbook.sheetnames))
    finally:
        workbook.close()


def _csv(data: bytes, cap: int) -> Extracted:
    text = data.decode("utf-8-sig", errors="replace")
    try:
        dialect = csv.Sniffer().sniff(text[:8192], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = csv.reader(io.StringIO(text), dialect)
    return _result(_collect((" ".join(cell for cell in row) for row in rows), cap), sheets=1)


_READERS = {
    checks.PDF: _pdf,
    checks.DOCX: _docx,
    checks.ODT: lambda data, cap: _odf(data, cap, spreadsheet=False),
    checks.ODS: lambda data, cap: _odf(data, cap, spreadsheet=True),
    checks.XLSX: _xlsx,
    checks.CSV: _csv,
}
