"""The published shapes of 311 data: NYC's and Chicago's open-data CSV files and Open311 GeoReport v2 JSON.

Readers stream a file from a byte offset and yield one SourceRecord per row,
with the offset just after it, in constant memory; read_batches() yields whole
batches of rows, parsing NYC and Chicago CSV a block at a time with pyarrow.
Writers produce the same shapes from generated requests (for benchmarks and tests).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import functools
import io
import json
import operator
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

FORMATS = ("nyc", "chicago", "open311")

# NYC "311 Service Requests from 2010 to Present" (erm2-nwe9): the CSV export's header, in order.
NYC_COLUMNS = [
    "Unique Key", "Created Date", "Closed Date", "Agency", "Agency Name", "Complaint Type", "Descriptor",
    "Location Type", "Incident Zip", "Incident Address", "Street Name", "Cross Street 1", "Cross Street 2",
    "Intersection Street 1", "Intersection Street 2", "Address Type", "City", "Landmark", "Facility Type", "Status",
    "Due Date", "Resolution Description", "Resolution Action Updated Date", "Community Board", "BBL", "Borough",
    "X Coordinate (State Plane)", "Y Coordinate (State Plane)", "Open Data Channel Type", "Park Facility Name",
    "Park Borough", "Vehicle Type", "Taxi Company Borough", "Taxi Pick Up Location", "Bridge Highway Name",
    "Bridge Highway Direction", "Road Ramp", "Bridge Highway Segment", "Latitude", "Longitude", "Location",
]
# Chicago "311 Service Requests" (v6vf-nfxy): the CSV export's header, in order.
CHICAGO_COLUMNS = [
    "SR_NUMBER", "SR_TYPE", "SR_SHORT_CODE", "CREATED_DEPARTMENT", "OWNER_DEPARTMENT", "STATUS", "ORIGIN",
    "CREATED_DATE", "LAST_MODIFIED_DATE", "CLOSED_DATE", "STREET_ADDRESS", "CITY", "STATE", "ZIP_CODE",
    "STREET_NUMBER", "STREET_DIRECTION", "STREET_NAME", "STREET_TYPE", "DUPLICATE", "LEGACY_RECORD",
    "LEGACY_SR_NUMBER", "PARENT_SR_NUMBER", "COMMUNITY_AREA", "WARD", "ELECTRICAL_DISTRICT", "ELECTRICITY_GRID",
    "POLICE_SECTOR", "POLICE_DISTRICT", "POLICE_BEAT", "PRECINCT", "SANITATION_DIVISION_DAYS", "CREATED_HOUR",
    "CREATED_DAY_OF_WEEK", "CREATED_MONTH", "X_COORDINATE", "Y_COORDINATE", "LATITUDE", "LONGITUDE", "LOCATION",
]
# Open311 GeoReport v2 `request` fields, in the spec's order: what `--format open311` reads and writes, and the
# column names of the open-data requests dataset (civicdesk.opendata.builtin).
OPEN311_REQUEST_FIELDS = (
    "service_request_id", "status", "status_notes", "service_name", "service_code", "description",
    "agency_responsible", "service_notice", "requested_datetime", "updated_datetime", "expected_datetime", "address",
    "address_id", "zipcode", "lat", "long", "media_url",
)
# Other names the same columns go by: the SODA API's field names (normalised the same way) need none;
# NYC renamed two columns in its 2025 extracts.
ALIASES = {
    "problem_formerly_complaint_type": "complaint_type",
    "problem_detail_formerly_descriptor": "descriptor",
    "x_coordinate": "x_coordinate_state_plane",
    "y_coordinate": "y_coordinate_state_plane",
}
REQUIRED = {
    "nyc": ["unique_key", "created_date", "complaint_type", "latitude", "longitude"],
    "chicago": ["sr_number", "sr_type", "created_date", "latitude", "longitude"],
}


class SourceFileError(Exception):
    """The file cannot be read as the format at all (wrong header, not JSON): nothing is imported."""


@dataclass(slots=True)
class SourceRecord:
    """One row of a source file, its fields as text, before any checking."""

    row: int
    raw: str
    source_id: str = ""
    #: Keys to look the category up by, most specific first (e.g. "Noise / Loud Music", "Noise").
    categories: tuple[str, ...] = ()
    #: The category's name and code for a service type created for it.
    category_name: str = ""
    category_code: str = ""
    description: str = ""
    status: str = ""
    duplicate: bool = False
    requested: str = ""
    updated: str = ""
    closed: str = ""
    expected: str = ""
    status_notes: str = ""
    lat: str = ""
    long: str = ""
    address: str = ""
    address_id: str = ""
    channel: str = ""
    media_url: str = ""
    #: The language the resident wrote in, when the source says (Open311 files may carry "language").
    language: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def normalise(name: str) -> str:
    """"X Coordinate (State Plane)" -> "x_coordinate_state_plane": CSV headers and API field names alike."""
    key = re.sub(r"[^0-9a-z]+", "_", name.strip().lstrip("\ufeff").lower()).strip("_")
    return ALIASES.get(key, key)


# --- reading -------------------------------------------------------------------------------------------

class _Lines:
    """A binary file's lines as text, counting bytes, and keeping the raw text of the current record."""

    def __init__(self, handle: IO[bytes], offset: int):
        self.handle, self.offset = handle, offset
        self.current: list[str] = []

    def __iter__(self) -> Iterator[str]:
        for raw in self.handle:
            self.offset += len(raw)
            text = raw.decode("utf-8", errors="replace")
            self.current.append(text)
            yield text

    def take(self) -> str:
        text = "".join(self.current).rstrip("\r\n")
        self.current.clear()
        return text


def read_header(handle: IO[bytes], fmt: str) -> tuple[list[str], int]:
    """The file's header as normalised names and the byte offset after it.

    For open311 the "header" says whether the file is a JSON array or JSON
    Lines. Raises SourceFileError when it does not fit the format.
    """
    if fmt == "open311":
        head = handle.read(4096)
        i = len(codecs.BOM_UTF8) if head.startswith(codecs.BOM_UTF8) else 0
        while i < len(head) and head[i:i + 1].isspace():
            i += 1
        if i >= len(head):
            raise SourceFileError("The file is empty.")
        if head[i:i + 1] == b"[":
            return ["array"], i + 1
        if head[i:i + 1] == b"{":
            return ["lines"], i
        raise SourceFileError("An Open311 file must hold a JSON array of requests, or one JSON object per line.")
    lines = _Lines(handle, 0)
    reader = csv.reader(lines)
    try:
        header = next(reader)
    except StopIteration:
        raise SourceFileError("The file is empty.") from None
    names = [normalise(name) for name in header]
    missing = [name for name in REQUIRED[fmt] if name not in names]
    if missing:
        expected = NYC_COLUMNS if fmt == "nyc" else CHICAGO_COLUMNS
        raise SourceFileError(
            f"This does not look like a {fmt} file: its header lacks {', '.join(missing)}. The header should be the "
            f"published one ({', '.join(expected[:6])}, ...).")
    return names, lines.offset


def read_records(handle: IO[bytes], fmt: str, header: list[str], offset: int,
                 first_row: int) -> Iterator[tuple[SourceRecord | None, int]]:
    """(record, byte offset after it) for each row after `offset`; rows are numbered from `first_row`.

    A CSV row whose field count differs from the header's, or a JSON value
    that is not an object, comes back as a record with an empty source id and
    `extra["problem"]` saying what is wrong. Raises SourceFileError when the
    JSON itself is broken.
    """
    handle.seek(offset)
    if fmt == "open311":
        yield from _json_records(handle, header[0] == "array", offset, first_row)
        return
    lines = _Lines(handle, offset)
    convert, names = (_nyc, _NYC_FIELDS) if fmt == "nyc" else (_chicago, _CHICAGO_FIELDS)
    width = len(header)
    # The fields a record needs, picked by position in one C call; a column the header lacks reads as "".
    position = {name: index for index, name in enumerate(header)}  # the last of repeated names, as dict(zip())
    pick = operator.itemgetter(*[position.get(name, width) for name in names])
    row = first_row
    for values in csv.reader(lines):
        raw = lines.take()
        if (not values or not values[0].strip()) and not "".join(values).strip():
            continue  # a blank line is not a request (the first field settles it for nearly every row)
        if len(values) != width:
            record = SourceRecord(row, raw, extra={"problem": f"the row has {len(values)} fields but the header has "
                                                             f"{width}"})
        else:
            values.append("")
            record = convert(row, raw, *pick(values))
        yield record, lines.offset
        row += 1


@dataclass(slots=True)
class RecordBatch:
    """Up to a batch of a file's rows: their records, the byte offset just after the last one, and, when the
    rows were parsed as one block (CSV formats), the raw fields the importer checks in bulk as Arrow string
    arrays by SourceRecord attribute ("lat", "long", "requested", "closed", "updated", "expected"; None for a
    column the file lacks)."""

    records: list[SourceRecord]
    end: int
    values: dict[str, pa.Array | None] | None = None


#: Bytes read at least at a time by the block reader, and the most it reads ahead per row of a batch.
_READ_SIZE = 1 << 22
_MAX_ROW_BYTES = 4096
#: For each CSV format: which SourceRecord attribute each of its raw date and coordinate fields fills.
VALUE_FIELDS = {
    "nyc": {"lat": "latitude", "long": "longitude", "requested": "created_date", "closed": "closed_date",
            "updated": "resolution_action_updated_date", "expected": "due_date"},
    "chicago": {"lat": "latitude", "long": "longitude", "requested": "created_date", "closed": "closed_date",
                "updated": "last_modified_date", "expected": None},
}


def read_batches(handle: IO[bytes], fmt: str, header: list[str], offset: int, first_row: int,
                 size: int) -> Iterator[RecordBatch]:
    """The rows after `offset` as batches of `size` records (the last may hold fewer), numbered from
    `first_row`; the same records, numbers, offsets and batch boundaries as read_records() gives row by row.

    NYC and Chicago CSV are cut into blocks at record boundaries (newlines outside quotes, found with numpy)
    and each block is parsed by pyarrow's CSV reader in C. A block pyarrow and the csv module might read
    differently (a row with the wrong number of fields, a blank line or row, bytes that are not UTF-8, a
    newline style the two count differently) is read again row by row with read_records(), so every row
    keeps its exact record and reject reason. Memory holds one batch.
    """
    if fmt == "open311":
        records = read_records(handle, fmt, header, offset, first_row)
        while True:
            chunk, end = [], offset
            for record, end in records:
                chunk.append(record)
                if len(chunk) >= size:
                    break
            if not chunk:
                return
            offset = end
            yield RecordBatch(chunk, end)
            if len(chunk) < size:
                return
    yield from _CsvBlocks(handle, fmt, header, offset, first_row).batches(size)


class _CsvBlocks:
    """read_batches() for the CSV formats: a buffer of bytes read ahead, cut at record boundaries."""

    def __init__(self, handle: IO[bytes], fmt: str, header: list[str], offset: int, first_row: int):
        self.handle, self.fmt, self.header = handle, fmt, header
        self.offset, self.row = offset, first_row  # where the buffer starts, and its first row's number
        self.convert, names = (_nyc, _NYC_FIELDS) if fmt == "nyc" else (_chicago, _CHICAGO_FIELDS)
        self.width = len(header)
        position = {name: index for index, name in enumerate(header)}  # the last of repeated names, as read_records
        self.picked = [position.get(name) for name in names]
        self.values = {key: position.get(name) if name else None for key, name in VALUE_FIELDS[fmt].items()}
        self.buffer = b""
        self.ends = np.empty(0, dtype=np.int64)  # the buffer's record ends (just after each newline)
        self.eof = False
        handle.seek(offset)

    def batches(self, size: int) -> Iterator[RecordBatch]:
        while True:
            filled = self._fill(size)
            if not self.buffer:
                return
            ends = self.ends[:size].tolist()
            if len(ends) < size and self.eof and len(self.buffer) > (ends[-1] if ends else 0):
                ends.append(len(self.buffer))  # the last record, without a newline
            batch = self._parsed(ends) if filled else None
            if batch is None:
                batch = self._row_by_row(size)
            else:
                cut = ends[-1]
                self.buffer = self.buffer[cut:]
                self.ends = self.ends[len(ends):] - cut if len(self.ends) > len(ends) else np.empty(0, np.int64)
                self.offset += cut
                self.row += len(batch.records)
            if not batch.records:
                return
            yield batch
            if len(batch.records) < size:
                return

    def _fill(self, size: int) -> bool:
        """Read until the buffer holds `size` records or the file ends; False when that takes more than
        _MAX_ROW_BYTES a row (a quote character inside an unquoted field hides every record end after it
        from _record_ends(): the batch is then read row by row instead of the rest of the file at once)."""
        while len(self.ends) < size and not self.eof:
            if len(self.buffer) > _READ_SIZE + size * _MAX_ROW_BYTES:
                return False
            known = len(self.ends)
            average = (self.ends[-1] / known) if known else 512
            chunk = self.handle.read(max(_READ_SIZE, int((size - known) * average * 1.1)))
            if not chunk:
                self.eof = True
                break
            self.buffer += chunk
            self.ends = _record_ends(self.buffer)
        return True

    def _parsed(self, ends: list[int]) -> RecordBatch | None:
        """The block up to ends[-1] parsed by pyarrow, or None when it must be read row by row."""
        if not ends:
            return None
        block = self.buffer[:ends[-1]]
        invalid = []

        def on_invalid(_row) -> str:
            invalid.append(True)
            return "skip"

        try:
            table = pa_csv.read_csv(
                pa.py_buffer(block),
                read_options=pa_csv.ReadOptions(column_names=[f"f{n}" for n in range(self.width)],
                                                block_size=max(1 << 20, min(len(block), 1 << 24))),
                parse_options=pa_csv.ParseOptions(newlines_in_values=True, invalid_row_handler=on_invalid),
                convert_options=pa_csv.ConvertOptions(column_types={f"f{n}": pa.string() for n in range(self.width)},
                                                      strings_can_be_null=False, quoted_strings_can_be_null=False))
        except (pa.ArrowInvalid, UnicodeDecodeError):
            return None
        if invalid or table.num_rows != len(ends):
            return None
        columns = [column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
                   for column in table.columns]
        # A row whose first field is blank might be a blank row, which read_records skips without a number.
        if pc.any(pc.equal(pc.utf8_trim_whitespace(columns[0]), "")).as_py():
            return None
        count = len(ends)
        starts = [0, *ends[:-1]]
        raws = [block[start:end].decode("utf-8", errors="replace").rstrip("\r\n") for start, end in zip(starts, ends)]
        blank = [""] * count
        fields = [columns[index].to_pylist() if index is not None else blank for index in self.picked]
        records = list(map(self.convert, range(self.row, self.row + count), raws, *fields))
        values = {key: None if index is None else columns[index] for key, index in self.values.items()}
        return RecordBatch(records, self.offset + ends[-1], values)

    def _row_by_row(self, size: int) -> RecordBatch:
        """The next `size` records read by read_records(); the buffer starts again after them."""
        records, end = [], self.offset
        reader = read_records(self.handle, self.fmt, self.header, self.offset, self.row)
        for record, end in reader:
            records.append(record)
            if len(records) >= size:
                break
        reader.close()
        self.offset, self.row = end, self.row + len(records)
        self.buffer, self.ends, self.eof = b"", np.empty(0, dtype=np.int64), False
        self.handle.seek(end)
        return RecordBatch(records, end)


def _record_ends(data: bytes) -> np.ndarray:
    """The offsets just after each newline of `data` that ends a CSV record: one with an even number of
    quote characters before it (a quoted field's own newlines have an odd number; "" keeps the count even)."""
    view = np.frombuffer(data, dtype=np.uint8)
    quotes = np.flatnonzero(view == 0x22)
    newlines = np.flatnonzero(view == 0x0A)
    return newlines[(np.searchsorted(quotes, newlines) & 1) == 0] + 1


_NYC_FIELDS = ("unique_key", "complaint_type", "descriptor", "incident_address", "city", "status", "created_date",
               "closed_date", "resolution_action_updated_date", "due_date", "resolution_description", "latitude",
               "longitude", "bbl", "open_data_channel_type", "agency")


def _nyc(row: int, raw: str, unique_key: str, complaint_type: str, descriptor: str, incident_address: str, city: str,
         status: str, created_date: str, closed_date: str, resolution_action_updated_date: str, due_date: str,
         resolution_description: str, latitude: str, longitude: str, bbl: str, open_data_channel_type: str,
         agency: str) -> SourceRecord:
    """A NYC row's record from its fields in _NYC_FIELDS order."""
    complaint = complaint_type.strip()
    descriptor = descriptor.strip()
    address = incident_address.strip()
    city = city.strip()
    return SourceRecord(
        row, raw, source_id=unique_key.strip(),
        categories=((f"{complaint} / {descriptor}", complaint) if descriptor else (complaint,)),
        category_name=complaint, description=descriptor, status=status.strip(),
        requested=created_date, closed=closed_date, updated=resolution_action_updated_date, expected=due_date,
        status_notes=resolution_description.strip(), lat=latitude, long=longitude,
        address=f"{address}, {city}" if address and city else address or city,
        address_id=bbl.strip(), channel=_channel(open_data_channel_type), extra={"agency": agency.strip()},
    )


_CHICAGO_FIELDS = ("sr_number", "sr_type", "sr_short_code", "status", "duplicate", "created_date",
                   "last_modified_date", "closed_date", "latitude", "longitude", "street_address", "origin",
                   "owner_department")


def _chicago(row: int, raw: str, sr_number: str, sr_type: str, sr_short_code: str, status: str, duplicate: str,
             created_date: str, last_modified_date: str, closed_date: str, latitude: str, longitude: str,
             street_address: str, origin: str, owner_department: str) -> SourceRecord:
    """A Chicago row's record from its fields in _CHICAGO_FIELDS order."""
    sr_type = sr_type.strip()
    short = sr_short_code.strip()
    return SourceRecord(
        row, raw, source_id=sr_number.strip(),
        categories=tuple(c for c in (short, sr_type) if c), category_name=sr_type, category_code=short,
        status=status.strip(), duplicate=duplicate.strip().lower() in ("true", "t", "1", "y", "yes"),
        requested=created_date, updated=last_modified_date, closed=closed_date,
        lat=latitude, long=longitude, address=street_address.strip(),
        channel=_channel(origin), extra={"department": owner_department.strip()},
    )


def _open311(row: int, raw: str, obj: Any) -> SourceRecord:
    if not isinstance(obj, dict):
        return SourceRecord(row, raw, extra={"problem": "the value is not a JSON object"})

    def text(name: str) -> str:
        value = obj.get(name)
        return "" if value is None else str(value).strip()

    code, name = text("service_code"), text("service_name")
    return SourceRecord(
        row, raw, source_id=text("service_request_id"), categories=tuple(c for c in (code, name) if c),
        category_name=name or code, category_code=code, description=text("description"), status=text("status"),
        requested=text("requested_datetime"), updated=text("updated_datetime"),
        closed=text("updated_datetime") if text("status").lower() == "closed" else "",
        expected=text("expected_datetime"), status_notes=text("status_notes"), lat=text("lat"), long=text("long"),
        address=text("address"), address_id=text("address_id"), media_url=text("media_url"), channel="api",
        language=text("language").lower(),
    )


@functools.lru_cache(maxsize=256)
def _channel(text: str) -> str:
    """The CivicDesk channel for a published channel name (NYC Open Data Channel Type, Chicago ORIGIN)."""
    value = text.strip().lower()
    if "phone" in value or value in ("call", "311"):
        return "phone"
    if "mobile" in value or "app" in value:
        return "api"
    if "mail" in value:
        return "email"
    if "text" in value or "sms" in value:
        return "sms"
    if "walk" in value or "counter" in value:
        return "counter"
    return "web"


def _json_records(handle: IO[bytes], is_array: bool, offset: int, first_row: int
                  ) -> Iterator[tuple[SourceRecord, int]]:
    """Objects of a JSON array (after its "[") or of JSON Lines, one at a time, with byte offsets."""
    decoder = json.JSONDecoder()
    reader = codecs.getincrementaldecoder("utf-8")(errors="replace")
    buf, pos, eof, row = "", 0, False, first_row
    max_buffer = 64 * 1024 * 1024

    def more() -> bool:
        nonlocal buf, pos, eof
        chunk = handle.read(1 << 20)
        if not chunk:
            eof = True
            buf = buf[pos:] + reader.decode(b"", final=True)
            pos = 0
            return False
        buf = buf[pos:] + reader.decode(chunk)
        pos = 0
        return True

    while True:
        # Skip what separates values: white space and, in an array, commas.
        while True:
            while pos < len(buf) and (buf[pos].isspace() or (is_array and buf[pos] == ",")):
                offset += len(buf[pos].encode("utf-8"))
                pos += 1
            if pos < len(buf) or not more():
                break
        if pos >= len(buf):
            if is_array:
                raise SourceFileError("The JSON array is not closed with “]”: the file looks cut short.")
            return
        if is_array and buf[pos] == "]":
            return
        while True:
            try:
                obj, end = decoder.raw_decode(buf, pos)
                break
            except json.JSONDecodeError as exc:
                if eof or len(buf) - pos > max_buffer:
                    raise SourceFileError(f"The file is not valid JSON near byte {offset}: {exc.msg}.") from None
                more()
        raw = buf[pos:end]
        offset += len(raw.encode("utf-8"))
        pos = end
        yield _open311(row, raw, obj), offset
        row += 1


# --- writing -------------------------------------------------------------------------------------------

def us_datetime(moment: dt.datetime) -> str:
    """NYC's and Chicago's CSV date format: 01/31/2025 08:05:09 PM (local time)."""
    return moment.strftime("%m/%d/%Y %I:%M:%S %p")


class RecordWriter:
    """Writes requests in a published shape: call write(dict) per request, then close().

    The dict holds: source_id, category, descriptor, category_code, status
    (open/closed), duplicate, requested/updated/closed/expected (aware
    datetimes or None), lat, long, address, zipcode, channel, department.
    """

    def __init__(self, stream: IO[str], fmt: str):
        self.stream, self.fmt, self.count = stream, fmt, 0
        if fmt == "open311":
            stream.write("[\n")
        else:
            self.csv = csv.writer(stream, lineterminator="\n")
            self.csv.writerow(NYC_COLUMNS if fmt == "nyc" else CHICAGO_COLUMNS)

    def write(self, r: dict) -> None:
        self.count += 1
        if self.fmt == "nyc":
            self.csv.writerow(self._nyc(r))
        elif self.fmt == "chicago":
            self.csv.writerow(self._chicago(r))
        else:
            self.stream.write((",\n" if self.count > 1 else "") + json.dumps(self._open311(r)))

    def close(self) -> None:
        if self.fmt == "open311":
            self.stream.write("\n]\n")

    @staticmethod
    def _when(value: dt.datetime | None) -> str:
        return us_datetime(value) if value else ""

    def _nyc(self, r: dict) -> list[str]:
        row = dict.fromkeys(NYC_COLUMNS, "")
        closed = r["status"] == "closed"
        row.update({
            "Unique Key": r["source_id"], "Created Date": self._when(r["requested"]),
            "Closed Date": self._when(r["closed"]), "Agency": r["department_code"], "Agency Name": r["department"],
            "Complaint Type": r["category"], "Descriptor": r["descriptor"], "Incident Zip": r["zipcode"],
            "Incident Address": r["address"].upper(), "Address Type": "ADDRESS" if r["address"] else "LATLONG",
            "City": r["city"].upper(), "Status": "Closed" if closed else r["open_status"],
            "Due Date": self._when(r["expected"]),
            "Resolution Description": r["status_notes"],
            "Resolution Action Updated Date": self._when(r["updated"]),
            "Open Data Channel Type": {"phone": "PHONE", "web": "ONLINE", "api": "MOBILE"}.get(r["channel"], "OTHER"),
            "Latitude": f"{r['lat']:.6f}", "Longitude": f"{r['long']:.6f}",
            "Location": f"({r['lat']:.6f}, {r['long']:.6f})",
        })
        return list(row.values())

    def _chicago(self, r: dict) -> list[str]:
        row = dict.fromkeys(CHICAGO_COLUMNS, "")
        requested = r["requested"]
        status = "Open" if r["status"] != "closed" else ("Canceled" if r["cancelled"] else "Completed")
        row.update({
            "SR_NUMBER": r["source_id"], "SR_TYPE": r["category"], "SR_SHORT_CODE": r["category_code"],
            "CREATED_DEPARTMENT": r["department"], "OWNER_DEPARTMENT": r["department"], "STATUS": status,
            "ORIGIN": {"phone": "Phone Call", "web": "Internet", "api": "Mobile Device", "email": "E-Mail"}.get(
                r["channel"], "Internet"),
            "CREATED_DATE": self._when(requested), "LAST_MODIFIED_DATE": self._when(r["updated"]),
            "CLOSED_DATE": self._when(r["closed"]), "STREET_ADDRESS": r["address"], "CITY": r["city"],
            "ZIP_CODE": r["zipcode"], "DUPLICATE": "true" if r["duplicate"] else "false", "LEGACY_RECORD": "false",
            "CREATED_HOUR": str(requested.hour), "CREATED_DAY_OF_WEEK": str(requested.isoweekday() % 7 + 1),
            "CREATED_MONTH": str(requested.month), "LATITUDE": f"{r['lat']:.6f}", "LONGITUDE": f"{r['long']:.6f}",
            "LOCATION": f"({r['lat']:.6f}, {r['long']:.6f})",
        })
        return list(row.values())

    @staticmethod
    def _open311(r: dict) -> dict:
        def iso(value: dt.datetime | None) -> str | None:
            return value.isoformat(timespec="seconds") if value else None

        values = (r["source_id"], "closed" if r["status"] == "closed" else "open", r["status_notes"] or None,
                  r["category"], r["category_code"], r["descriptor"] or None, r["department"] or None, None,
                  iso(r["requested"]), iso(r["updated"]), iso(r["expected"]), r["address"] or None, None,
                  r["zipcode"] or None, r["lat"], r["long"], None)
        return dict(zip(OPEN311_REQUEST_FIELDS, values, strict=True))


def text_stream(path) -> io.TextIOWrapper:
    """A UTF-8 text file for writing records (newlines left to the csv module)."""
    return open(path, "w", encoding="utf-8", newline="")
