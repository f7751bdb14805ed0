"""Reading a CSV file staff upload: checks with messages a person understands, column types, cell values."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import decimal
import io
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _, ngettext

#: Largest file accepted, and most rows: a published table is a budget or a project list, not a database dump.
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 50_000
MAX_COLUMNS = 60
MAX_CELL = 2000
TRUE_WORDS = {"true", "yes", "y"}
FALSE_WORDS = {"false", "no", "n"}
_NUMBER = re.compile(r"^-?\$?\d{1,3}(,\d{3})+(\.\d+)?$|^-?\$?\d+(\.\d+)?$")


class CsvProblem(Exception):
    """The file cannot be published as it is; the message says what to change, in plain words."""


@dataclass
class ParsedColumn:
    name: str
    key: str
    type: str
    example: str


@dataclass
class ParsedTable:
    columns: list[ParsedColumn]
    rows: list[dict[str, str]] = field(default_factory=list)


def column_key(name: str) -> str:
    """"Budget (USD)" -> "budget_usd": the column's name in JSON and in the API's filters."""
    key = re.sub(r"[^0-9a-z]+", "_", name.strip().lower()).strip("_")
    if not key or key[0].isdigit():
        key = f"column_{key}" if key else "column"
    return key[:64]


def read_table(data: bytes) -> ParsedTable:
    """Check and read an uploaded CSV file: UTF-8 text (a byte-order mark is fine), a header row of unique
    names, then rows with as many values as the header has names. Raises CsvProblem naming the first
    problem found (the line number as a spreadsheet shows it)."""
    if len(data) > MAX_BYTES:
        raise CsvProblem(_("The file is %(size)s MB; the limit is %(limit)s MB. Split it or remove columns "
                           "nobody needs.") % {"size": f"{len(data) / 1048576:.1f}", "limit": MAX_BYTES // 1048576})
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise CsvProblem(_("The file is saved as UTF-16 (“Unicode text”). In your spreadsheet, save it as "
                           "“CSV UTF-8” and upload it again."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise CsvProblem(_("Line %(line)d is not UTF-8 text. In your spreadsheet, save the file as "
                           "“CSV UTF-8” and upload it again.") % {"line": line}) from None
    if "\x00" in text:
        raise CsvProblem(_("This is not a CSV file (it holds binary data). Export the sheet as CSV."))
    if not text.strip():
        raise CsvProblem(_("The file is empty."))
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(reader)
        names = [name.strip() for name in header]
        _check_header(names)
        width = len(names)
        rows = []
        for values in reader:
            if not any(value.strip() for value in values):
                continue  # blank lines at the end of a sheet
            if len(values) != width:
                raise CsvProblem(ngettext(
                    "Line %(line)d has %(count)d value but the header has %(width)d columns. Check for a "
                    "missing or extra comma on that line.",
                    "Line %(line)d has %(count)d values but the header has %(width)d columns. Check for a "
                    "missing or extra comma on that line.", len(values))
                    % {"line": reader.line_num, "count": len(values), "width": width})
            if any(len(value) > MAX_CELL for value in values):
                raise CsvProblem(_("Line %(line)d has a value longer than %(limit)d characters.")
                                 % {"line": reader.line_num, "limit": MAX_CELL})
            rows.append([value.strip() for value in values])
            if len(rows) > MAX_ROWS:
                raise CsvProblem(_("The file has more than %(limit)s rows, the most a published table may have.")
                                 % {"limit": f"{MAX_ROWS:,}"})
    except csv.Error as exc:
        raise CsvProblem(_("Line %(line)d cannot be read as CSV (%(problem)s). Check its quotation marks.")
                         % {"line": reader.line_num, "problem": exc}) from None
    if not rows:
        raise CsvProblem(_("The file has a header but no rows of data."))
    keys = [column_key(name) for name in names]
    if len(set(keys)) != len(keys):
        raise CsvProblem(_("Two column names are too alike (%(names)s). Give each column a distinct name.")
                         % {"names": ", ".join(_alike(names, keys))})
    columns = []
    for index, (name, key) in enumerate(zip(names, keys)):
        cells = [row[index] for row in rows]
        example = next((cell for cell in cells if cell), "")
        columns.append(ParsedColumn(name=name, key=key, type=detect_type(cells), example=example[:200]))
    return ParsedTable(columns, [dict(zip(keys, row)) for row in rows])


def _check_header(names: list[str]) -> None:
    if len(names) > MAX_COLUMNS:
        raise CsvProblem(_("The file has %(count)d columns; at most %(limit)d are allowed.")
                         % {"count": len(names), "limit": MAX_COLUMNS})
    if len(names) < 1 or not any(names):
        raise CsvProblem(_("The first line must name the columns."))
    blank = [str(index) for index, name in enumerate(names, start=1) if not name]
    if blank:
        raise CsvProblem(_("Column %(number)s has no name in the first line. Every column needs a heading.")
                         % {"number": ", ".join(blank)})
    seen = set()
    for name in names:
        if name.lower() in seen:
            raise CsvProblem(_("Two columns are named “%(name)s”. Give each column a distinct heading.")
                             % {"name": name})
        seen.add(name.lower())


def _alike(names: list[str], keys: list[str]) -> list[str]:
    return [f"“{name}”" for name, key in zip(names, keys) if keys.count(key) > 1]


def detect_type(cells: list[str]) -> str:
    """The narrowest type every non-blank cell fits: boolean, integer, decimal, date, else text."""
    filled = [cell for cell in cells if cell]
    if not filled:
        return "text"
    for kind in ("boolean", "integer", "decimal", "date"):
        if all(_fits(cell, kind) for cell in filled):
            return kind
    return "text"


def _fits(cell: str, kind: str) -> bool:
    try:
        return convert(cell, kind, strict=True) is not None
    except (ValueError, decimal.InvalidOperation):
        return False


def convert(text: str, kind: str, *, strict: bool = False):
    """The cell in `kind` (see models.ColumnType): int, Decimal, ISO date, bool or str; None when blank.

    Numbers may carry thousands separators and a leading "$" ("$1,250,000"). With `strict`, a cell that
    does not fit raises ValueError; otherwise it comes back as its text.
    """
    if text is None or text == "":
        return None
    try:
        if kind == "boolean":
            lowered = text.lower()
            if lowered in TRUE_WORDS:
                return True
            if lowered in FALSE_WORDS:
                return False
            raise ValueError(text)
        if kind in ("integer", "decimal"):
            if not _NUMBER.match(text):
                raise ValueError(text)
            number = decimal.Decimal(text.replace(",", "").replace("$", ""))
            if kind == "integer":
                if number != number.to_integral_value():
                    raise ValueError(text)
                return int(number)
            return number
        if kind == "date":
            return dt.date.fromisoformat(text).isoformat() if len(text) == 10 else _raise(text)
    except (ValueError, decimal.InvalidOperation):
        if strict:
            raise
        return text
    return text


def _raise(text: str):
    raise ValueError(text)


def number(text: str) -> decimal.Decimal | None:
    """The cell as a number for charts and sums; None when it is blank or not a number."""
    value = convert(text, "decimal")
    return value if isinstance(value, decimal.Decimal) else None
