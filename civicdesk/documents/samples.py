"""Real files made on the fly: the demo city's documents and the tests' fixtures (no binary blobs in git).

Each maker takes a title and paragraphs (or rows) and returns the bytes of a genuine file of that format,
written with the same libraries that read them back: WeasyPrint (PDF), python-docx, odfpy, openpyxl, csv.
"""

from __future__ import annotations

import csv
import io
from html import escape


def pdf(title: str, paragraphs: list[str]) -> bytes:
    """A tagged, text-bearing PDF (WeasyPrint, as the monthly reports are made)."""
    from weasyprint import HTML

    body = "".join(f"<p>{escape(text)}</p>" for text in paragraphs)
    html = (f"<html lang='en'><head><meta charset='utf-8'><title>{escape(title)}</title></head>"
            f"<body><h1>{escape(title)}</h1>{body}</body></html>")
    return HTML(string=html).write_pdf()


def image_pdf() -> bytes:
    """A one-page PDF with no text at all, like a scanned page (pypdf, a blank page)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def encrypted_pdf(title: str, paragraphs: list[str], password: str = "council-only") -> bytes:
    """A PDF that needs a password to open (its text cannot be read)."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf(title, paragraphs))))
    writer.encrypt(user_password=password, owner_password=password + "-owner", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def docx(title: str, paragraphs: list[str]) -> bytes:
    import docx as python_docx

    document = python_docx.Document()
    document.add_heading(title, level=1)
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def odt(title: str, paragraphs: list[str]) -> bytes:
    from odf.opendocument import OpenDocumentText
    from odf.text import H, P

    document = OpenDocumentText()
    document.text.addElement(H(outlinelevel=1, text=title))
    for text in paragraphs:
        document.text.addElement(P(text=text))
    out = io.BytesIO()
    document.write(out)
    return out.getvalue()


def xlsx(sheets: dict[str, list[list]]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def ods(sheets: dict[str, list[list]]) -> bytes:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()
    for name, rows in sheets.items():
        table = Table(name=name)
        for row in rows:
            table_row = TableRow()
            for value in row:
                cell = TableCell(valuetype="string")
                cell.addElement(P(text=str(value)))
                table_row.addElement(cell)
            table.addElement(table_row)
        document.spreadsheet.addElement(table)
    out = io.BytesIO()
    document.write(out)
    return out.getvalue()


def csv_bytes(rows: list[list]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8")


def map_png(title: str, zones: list[tuple[str, tuple[int, int, int]]]) -> bytes:
    """A small zoning-map picture: coloured blocks, one per zone (Pillow)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (480, 320), (245, 245, 240))
    draw = ImageDraw.Draw(image)
    draw.text((12, 8), title, fill=(20, 20, 20))
    for index, (label, colour) in enumerate(zones):
        x0, y0 = 20 + (index % 3) * 150, 40 + (index // 3) * 130
        draw.rectangle((x0, y0, x0 + 140, y0 + 120), fill=colour, outline=(40, 40, 40))
        draw.text((x0 + 8, y0 + 8), label, fill=(0, 0, 0))
    draw.line((0, 300, 480, 270), fill=(60, 110, 200), width=10)  # the river
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()
