"""Reading the published shapes: dates, CSV rows with their raw text and offsets, streamed JSON."""

from __future__ import annotations

import json

import pytest

from civicdesk.datasets.formats import SourceFileError, normalise, read_batches, read_header, read_records
from civicdesk.datasets.importer import LocalClock, parse_when


def test_it_reads_the_dates_each_source_publishes():
    assert parse_when("01/31/2025 08:05:09 PM") == (1738353909, False)
    assert parse_when("01/31/2025 12:05:09 AM") == (1738281909, False)
    assert parse_when("1/5/2025 7:05 AM") == (1736060700, False)
    assert parse_when("2025-01-31T20:05:09.000") == (1738353909, False)
    assert parse_when("2025-01-31T20:05:09-06:00") == (1738375509, True)
    assert parse_when("2025-01-31T20:05:09Z") == (1738353909, True)
    assert parse_when("  ") is None
    for bad in ("13/45/2025 09:00:00 PM", "01/31/2025 13:00:00 PM", "yesterday", "2025-02-30"):
        with pytest.raises(ValueError):
            parse_when(bad)


def test_it_turns_local_wall_clock_times_into_instants_across_daylight_saving():
    import zoneinfo

    clock = LocalClock(zoneinfo.ZoneInfo("America/New_York"))
    winter, _ = parse_when("01/15/2025 09:00:00 AM")
    summer, _ = parse_when("07/15/2025 09:00:00 AM")
    assert clock.epoch(winter) == winter + 5 * 3600
    assert clock.epoch(summer) == summer + 4 * 3600


def test_it_turns_many_local_times_into_instants_at_once_as_it_does_one_by_one():
    import zoneinfo

    import numpy as np

    clock = LocalClock(zoneinfo.ZoneInfo("America/New_York"))
    start, _ = parse_when("03/08/2025 11:00:00 PM")  # across the spring gap and the autumn repeat
    autumn, _ = parse_when("11/01/2025 11:00:00 PM")
    naive = [start + n * 1234 for n in range(200)] + [autumn + n * 1234 for n in range(200)] + [start, -3600]
    assert LocalClock(clock.tz).epoch_many(np.array(naive, dtype=np.int64)).tolist() == [clock.epoch(n) for n in naive]


def test_it_normalises_headers_and_the_2025_nyc_names():
    assert normalise("X Coordinate (State Plane)") == "x_coordinate_state_plane"
    assert normalise("\ufeffUnique Key") == "unique_key"
    assert normalise("Problem (formerly Complaint Type)") == "complaint_type"
    assert normalise("SR_SHORT_CODE") == "sr_short_code"


def test_it_keeps_each_csv_rows_own_text_and_the_offset_after_it(tmp_path):
    path = tmp_path / "chicago.csv"
    text = ("SR_NUMBER,SR_TYPE,CREATED_DATE,LATITUDE,LONGITUDE\n"
            'SR1,"Pothole, in street",01/01/2025 10:00:00 AM,3.0,2.5\n'
            'SR2,"Graffiti\nRemoval",01/01/2025 10:00:00 AM,3.0,2.5\n'
            "SR3,Tree,01/01/2025 10:00:00 AM\n")
    path.write_bytes(text.encode("utf-8"))
    with path.open("rb") as handle:
        header, offset = read_header(handle, "chicago")
        records = list(read_records(handle, "chicago", header, offset, 1))
    assert [r.source_id for r, _ in records] == ["SR1", "SR2", ""]
    assert records[0][0].categories == ("Pothole, in street",)
    assert records[1][0].raw == 'SR2,"Graffiti\nRemoval",01/01/2025 10:00:00 AM,3.0,2.5'
    assert records[2][0].extra["problem"] == "the row has 3 fields but the header has 5"
    # Reading again from the offset after the first row gives the rest, numbered on.
    with path.open("rb") as handle:
        rest = list(read_records(handle, "chicago", header, records[0][1], 2))
    assert [(r.row, r.source_id) for r, _ in rest] == [(2, "SR2"), (3, "")]


def test_it_streams_json_arrays_from_any_offset(tmp_path):
    items = [{"service_request_id": str(n), "description": "ü, [x], {y}" * n, "lat": 1, "long": 2}
             for n in range(1, 6)]
    path = tmp_path / "r.json"
    path.write_text(" \n" + json.dumps(items, ensure_ascii=False, indent=1), encoding="utf-8")
    with path.open("rb") as handle:
        header, offset = read_header(handle, "open311")
        records = list(read_records(handle, "open311", header, offset, 1))
    assert header == ["array"] and [r.source_id for r, _ in records] == ["1", "2", "3", "4", "5"]
    with path.open("rb") as handle:
        rest = list(read_records(handle, "open311", header, records[2][1], 4))
    assert [(r.row, r.source_id, r.description) for r, _ in rest] == [
        (4, "4", "ü, [x], {y}" * 4), (5, "5", "ü, [x], {y}" * 5)]


def test_it_refuses_json_that_is_cut_short(tmp_path):
    path = tmp_path / "r.json"
    path.write_text('[{"service_request_id": "1"}, {"service_request_id": ', encoding="utf-8")
    with path.open("rb") as handle:
        header, offset = read_header(handle, "open311")
        with pytest.raises(SourceFileError, match="not valid JSON"):
            list(read_records(handle, "open311", header, offset, 1))


def _chunks_read_row_by_row(path, fmt, size):
    """read_records() cut into batches of `size`, as the importer cut them before read_batches()."""
    with path.open("rb") as handle:
        header, offset = read_header(handle, fmt)
        batches, chunk, end = [], [], offset
        for record, end in read_records(handle, fmt, header, offset, 1):
            chunk.append(record)
            if len(chunk) == size:
                batches.append((chunk, end))
                chunk = []
        if chunk:
            batches.append((chunk, end))
    return batches


def _batches_read_in_blocks(path, fmt, size, offset=None, first_row=1):
    with path.open("rb") as handle:
        header, header_end = read_header(handle, fmt)
        return [(batch.records, batch.end, batch.values is not None)
                for batch in read_batches(handle, fmt, header, header_end if offset is None else offset, first_row,
                                          size)]


def _messy_nyc_file(tmp_path):
    """NYC rows with everything that the block reader must hand back to the row-by-row reader, among clean ones."""
    from civicdesk.datasets.tests.test_import_311 import NYC_HEADER, nyc_row

    clean = [nyc_row(str(100 + n), f"02/{1 + n % 27:02d}/2025 10:{n % 60:02d}:00 AM", "Pothole",
                     resolution=f'Said "done", row {n}' if n % 4 == 0 else "") for n in range(40)]
    lines = clean[:10] + [
        nyc_row("200", "02/01/2025 10:00:00 AM", "Pothole").replace("12 OAK STREET", '"12 OAK\nSTREET"'),
        "", "   ",  # a blank line and a line of spaces: no row at all
        "201,02/01/2025 10:00:00 AM,too,few,fields",
        ",".join([""] * 41),  # a row of empty fields: skipped like a blank line
        nyc_row("", "02/01/2025 10:00:00 AM", "Pothole"),  # no id: a reject, but still a row
    ] + clean[10:20] + [nyc_row("202", "02/01/2025 10:00:00 AM", "Pothole", resolution="caf\udcff")] + clean[20:]
    data = ("\n".join([NYC_HEADER, *lines[:15]]) + "\r\n" + "\n".join(lines[15:])).encode("utf-8", "surrogateescape")
    path = tmp_path / "nyc.csv"
    path.write_bytes(data)  # not UTF-8 in one row, one CRLF line end, no newline at the end
    return path


@pytest.mark.parametrize("size", [1, 3, 7, 16, 1000])
def test_it_reads_the_same_records_in_blocks_as_row_by_row(tmp_path, size):
    path = _messy_nyc_file(tmp_path)
    expected = _chunks_read_row_by_row(path, "nyc", size)
    batches = _batches_read_in_blocks(path, "nyc", size)
    assert [(records, end) for records, end, _bulk in batches] == expected
    assert sum(len(records) for records, _end, _bulk in batches) == 44  # 40 clean and 4 odd rows; 3 lines are no rows
    # Batches of nothing but clean rows were parsed by pyarrow; the others row by row.
    bulk = [bulk for _records, _end, bulk in batches]
    assert (any(bulk), all(bulk)) == ((True, False) if size < 44 else (False, False))


def test_it_reads_blocks_from_any_offset_and_row(tmp_path):
    path = _messy_nyc_file(tmp_path)
    first = _chunks_read_row_by_row(path, "nyc", 5)
    offset, rows = first[2][1], sum(len(records) for records, _end in first[:3])
    assert [(records, end) for records, end, _bulk in _batches_read_in_blocks(path, "nyc", 5, offset, rows + 1)] == \
        first[3:]


def test_it_reads_a_clean_chicago_file_in_blocks_with_its_values_as_columns(tmp_path):
    from civicdesk.datasets.tests.test_import_311 import CHICAGO_HEADER, chicago_row

    path = tmp_path / "chicago.csv"
    rows = [chicago_row(f"SR{n}", "Pothole in Street", "PHF", "Open", f"03/0{1 + n % 9}/2025 0{n % 10}:15:00 PM")
            for n in range(25)]
    path.write_text("\n".join([CHICAGO_HEADER, *rows]) + "\n", encoding="utf-8")
    with path.open("rb") as handle:
        header, offset = read_header(handle, "chicago")
        batches = list(read_batches(handle, "chicago", header, offset, 1, 10))
    assert [len(batch.records) for batch in batches] == [10, 10, 5]
    assert [(records, end) for records, end, _bulk in _batches_read_in_blocks(path, "chicago", 10)] == \
        _chunks_read_row_by_row(path, "chicago", 10)
    values = batches[1].values
    assert values["expected"] is None
    assert values["requested"].to_pylist() == [record.requested for record in batches[1].records]
    assert values["lat"].to_pylist() == ["3.0"] * 10


def test_it_reads_past_a_stray_quote_row_by_row_without_reading_the_rest_of_the_file(tmp_path, monkeypatch):
    from civicdesk.datasets import formats
    from civicdesk.datasets.tests.test_import_311 import NYC_HEADER, nyc_row

    rows = [nyc_row(str(1000 + n), "02/01/2025 10:00:00 AM", "Pothole") for n in range(300)]
    rows[25] = rows[25].replace("12 OAK STREET", '12" PIPE')  # a quote inside an unquoted field: literal text
    path = tmp_path / "nyc.csv"
    path.write_text("\n".join([NYC_HEADER, *rows]) + "\n", encoding="utf-8")
    monkeypatch.setattr(formats, "_READ_SIZE", 256)
    monkeypatch.setattr(formats, "_MAX_ROW_BYTES", 512)
    read = []
    real_read = formats._CsvBlocks._fill

    def fill(self, size):
        filled = real_read(self, size)
        read.append(len(self.buffer))
        return filled

    monkeypatch.setattr(formats._CsvBlocks, "_fill", fill)
    batches = _batches_read_in_blocks(path, "nyc", 10)
    assert [(records, end) for records, end, _bulk in batches] == _chunks_read_row_by_row(path, "nyc", 10)
    assert batches[2][0][5].address == '12" PIPE, ELM'
    assert [bulk for _records, _end, bulk in batches] == [True, True, False] + [True] * 27
    assert max(read) < 10_000 < path.stat().st_size / 4  # the batch with the quote read row by row, not the file
