"""Reading a report page in tests: its headline figures and its tables, as text."""

from __future__ import annotations

from html.parser import HTMLParser


class _Reader(HTMLParser):
    def __init__(self):
        super().__init__()
        self.figures: dict[str, str] = {}
        self.tables: dict[str, list[list[str]]] = {}
        self._figure = None
        self._caption = None
        self._table = None
        self._row = None
        self._cell = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "dd" and "data-figure" in attrs:
            self._figure = attrs["data-figure"]
            self.figures[self._figure] = ""
        elif tag == "table":
            self._table = []
        elif tag == "caption":
            self._caption = ""
        elif tag == "tr" and self._table is not None:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = ""

    def handle_endtag(self, tag):
        if tag == "dd":
            self._figure = None
        elif tag == "caption":
            self._table_caption, self._caption = self._caption.strip(), None
        elif tag in ("td", "th") and self._cell is not None:
            self._row.append(self._cell.strip())
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self._table.append(self._row)
            self._row = None
        elif tag == "table" and self._table is not None:
            self.tables[self._table_caption] = self._table
            self._table = None

    def handle_data(self, data):
        if self._figure:
            self.figures[self._figure] += data.strip()
        if self._caption is not None:
            self._caption += data
        if self._cell is not None:
            self._cell += data


def read_page(html: str) -> tuple[dict[str, str], dict[str, list[list[str]]]]:
    """({data-figure: text}, {table caption: [header row, *rows]}) of a report page."""
    reader = _Reader()
    reader.feed(html)
    return reader.figures, reader.tables
