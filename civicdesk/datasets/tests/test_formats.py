"""Reading the published shapes: dates, CSV rows with their raw text and offsets, streamed JSON."""

from __future__ import annotations

import json

import pytest

from civicdesk.datasets.formats import SourceFileError, normalise, read_header, read_records
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
