"""Reading an uploaded CSV file: what is refused (in words a person understands), what types are detected."""

from __future__ import annotations

import pytest

from civicdesk.opendata import csvdata
from civicdesk.opendata.csvdata import CsvProblem, read_table


def test_it_reads_a_spreadsheet_export_with_a_byte_order_mark_and_detects_types():
    table = read_table("\ufeffName,Amount,Year,Open,Opened on\nA,\"$1,200.50\",2024,yes,2024-01-31\nB,3,2025,no,\n"
                       .encode())
    assert [(c.key, c.type) for c in table.columns] == [
        ("name", "text"), ("amount", "decimal"), ("year", "integer"), ("open", "boolean"), ("opened_on", "date")]
    assert table.rows[0] == {"name": "A", "amount": "$1,200.50", "year": "2024", "open": "yes",
                             "opened_on": "2024-01-31"}


def test_it_reads_semicolon_separated_files():
    table = read_table(b"Ward;Total\nNorth;12\nSouth;8\n")
    assert [c.key for c in table.columns] == ["ward", "total"] and len(table.rows) == 2


@pytest.mark.parametrize("data, words", [
    ("Name,Amount\nA,1\n".encode("utf-16"), "saved as UTF-16"),
    (b"Name,Amount\nA,\x00\n", "binary data"),
    ("Name,Amount\nCafé,1\n".encode("latin-1"), "Line 2 is not UTF-8"),
    (b"", "empty"),
    (b"Name,Amount\n", "no rows"),
    (b"Name,Amount\nA,1\nB,2,3\n", "Line 3 has 3 values but the header has 2 columns"),
    (b"Name,,Amount\nA,1,2\n", "Column 2 has no name"),
    (b"Name,name\nA,B\n", "Two columns are named"),
    (b"Budget (USD),budget usd\n1,2\n", "too alike"),
])
def test_it_refuses_a_file_with_a_plain_reason(data, words):
    with pytest.raises(CsvProblem) as problem:
        read_table(data)
    assert words in str(problem.value)


def test_it_refuses_files_over_the_limits(monkeypatch):
    monkeypatch.setattr(csvdata, "MAX_ROWS", 3)
    with pytest.raises(CsvProblem, match="more than 3 rows"):
        read_table(b"A\n1\n2\n3\n4\n")
    with pytest.raises(CsvProblem, match="limit is 5 MB"):
        read_table(b"A\n" + b"1\n" * (3 * 1024 * 1024))


def test_it_converts_cells_to_their_column_type():
    assert csvdata.convert("$1,250,000", "integer") == 1250000
    assert csvdata.convert("", "integer") is None
    assert csvdata.convert("twelve", "integer") == "twelve"  # a type set by hand that a cell does not fit
    assert csvdata.convert("No", "boolean") is False
