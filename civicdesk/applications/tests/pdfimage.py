"""A PDF page as a PNG image and its text, through pypdfium2 (a test dependency)."""

from __future__ import annotations

import io

from PIL import Image


def first_page(pdf: bytes, *, scale: float = 2.0) -> tuple[Image.Image, str]:
    """The first page rendered (RGB) and the text PDFium extracts from it."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    page = document[0]
    image = page.render(scale=scale).to_pil().convert("RGB")
    text = page.get_textpage().get_text_range()
    png = io.BytesIO()
    image.save(png, "PNG")  # what a person would look at; round-trip to prove it is a real PNG
    return Image.open(io.BytesIO(png.getvalue())).convert("RGB"), text


def dark_share(image: Image.Image, box: tuple[int, int, int, int] | None = None) -> float:
    """The share of dark pixels (of the box, or the page)."""
    region = image.crop(box) if box else image
    counts = region.convert("L").histogram()
    return sum(counts[:100]) / max(1, sum(counts))
