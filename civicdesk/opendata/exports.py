"""Writing the built-in datasets as CSV, JSON, GeoJSON and Parquet, and publishing each file atomically.

Every writer takes rows a batch at a time (Apache Arrow record batches: see arrowrows; the small datasets'
batches of tuples are converted) and writes them out at once with Arrow's vectorised kernels, so memory
holds one batch (and, for Parquet, one row group). The file is written to a local temporary file, saved
through the Django storage API under a new name, and only then does the `ExportFile` row point at it: a
download reads either the old whole file or the new whole file, never a half-written one.
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import io
import json
import logging
import secrets
import tempfile
import time
from collections.abc import Iterable, Iterator
from typing import IO

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from .arrowrows import fix_texts, float_texts
from .builtin import BUILTIN, COORDINATES, BuiltinDataset, Column, english
from .models import ExportFile

log = logging.getLogger(__name__)

#: format -> (media type, name shown to people)
FORMATS = {
    "csv": ("text/csv; charset=utf-8", "CSV"),
    "json": ("application/json", "JSON"),
    "geojson": ("application/geo+json", "GeoJSON"),
    "parquet": ("application/vnd.apache.parquet", "Parquet"),
}
#: Rows per Parquet row group: large enough to compress well, small enough to hold in memory.
ROW_GROUP_SIZE = 50_000
STORAGE_DIR = "opendata"


def json_value(value):
    """A cell as JSON: datetimes in UTC ISO 8601 with "Z", dates ISO, Decimals as numbers."""
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _csv_datetime(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


#: How each type of cell is written in CSV, for the pages' small CSV downloads (the exports use the writers below).
_CSV = {str: str, float: repr, int: str, bool: lambda value: "true" if value else "false",
        dt.datetime: _csv_datetime, dt.date: dt.date.isoformat, decimal.Decimal: lambda value: str(json_value(value))}


def csv_value(value) -> str:
    if value is None:
        return ""
    return _CSV.get(type(value), str)(value)


# --- the writers: Arrow record batches in, bytes out ------------------------------------------------------
#
# Each batch is turned into text with Arrow's vectorised kernels: one string per cell, then one per row,
# whose bytes are written out at once. The text is exactly what Python's csv and json modules wrote before
# (and still write for the rare cells the kernels leave to them): the tests compare the two.


def text_batches(batches: Iterable, columns: tuple[Column, ...]) -> Iterator[pa.RecordBatch]:
    """Each batch as an Arrow record batch in text form (datetime columns as exported ISO 8601 text, the others
    typed; see arrowrows). Batches of tuples (the small datasets) are converted; empty batches skipped."""
    types = arrow_schema(columns)
    for batch in batches:
        if isinstance(batch, pa.RecordBatch):
            if batch.num_rows:
                yield batch
            continue
        if not batch:
            continue
        arrays = []
        for column, field, values in zip(columns, types, zip(*batch)):
            if column.type == "datetime":
                arrays.append(pa.array([None if value is None else _csv_datetime(value) for value in values],
                                       pa.string()))
            else:
                arrays.append(pa.array(values, field.type))
        yield pa.RecordBatch.from_arrays(arrays, names=[column.name for column in columns])


def _probe_csv_specials() -> str:
    """The characters that make Python's csv module quote a cell (QUOTE_MINIMAL), as a regex class."""
    special = []
    for code in range(128):
        text = io.StringIO()
        csv.writer(text, lineterminator="\n").writerow([f"a{chr(code)}b"])
        if text.getvalue() != f"a{chr(code)}b\n":
            special.append(f"\\x{code:02x}")
    return "[" + "".join(special) + "]"


CSV_SPECIALS = _probe_csv_specials()
#: What json.dumps escapes in a string (ensure_ascii=False): quotes, backslashes and control characters.
JSON_SPECIALS = r'[\x00-\x1f"\\]'


def _csv_cells(values: pa.Array, column: Column) -> pa.Array:
    """Each cell as csv.writer writes it: empty for null, quoted only when it must be."""
    if column.type == "number":
        texts = float_texts(values, repr)
    elif column.type == "text":
        texts = fix_texts(values, values, pc.match_substring_regex(values, CSV_SPECIALS),
                     lambda value: '"' + value.replace('"', '""') + '"')
    else:  # integer, boolean ("true"/"false"), date and datetime (ISO): nothing to quote
        texts = values.cast(pa.string())
    return pc.fill_null(texts, "")


def _json_cells(values: pa.Array, column: Column) -> pa.Array:
    """Each cell as json.dumps writes it (null for None)."""
    if column.type == "number":
        texts = float_texts(values, json.dumps)
    elif column.type == "text":
        texts = fix_texts(pc.binary_join_element_wise('"', values, '"', ""), values,
                     pc.match_substring_regex(values, JSON_SPECIALS),
                     lambda value: json.dumps(value, ensure_ascii=False))
    elif column.type in ("datetime", "date"):  # ISO text: nothing to escape
        texts = pc.binary_join_element_wise('"', values.cast(pa.string()), '"', "")
    else:
        texts = values.cast(pa.string())
    return pc.fill_null(texts, "null")


def _write_texts(out: IO[bytes], texts: pa.Array, *, skip: int = 0) -> None:
    """Write the UTF-8 bytes of every string of `texts` one after another (straight from Arrow's buffer)."""
    texts = texts.cast(pa.string())
    if not len(texts):
        return
    offsets = memoryview(texts.buffers()[1]).cast("i")  # int32 offsets of each string into the data buffer
    start, end = offsets[texts.offset], offsets[texts.offset + len(texts)]
    out.write(memoryview(texts.buffers()[2])[start + skip:end])


def write_csv(batches: Iterable, columns: tuple[Column, ...], out: IO[bytes]) -> int:
    out.write((",".join(column.name for column in columns) + "\n").encode())
    count = 0
    for batch in text_batches(batches, columns):
        cells = [_csv_cells(values, column) for values, column in zip(batch.columns, columns)]
        _write_texts(out, pc.binary_join_element_wise(pc.binary_join_element_wise(*cells, ","), "\n", ""))
        count += batch.num_rows
    return count


def _json_objects(cells: list[tuple[str, pa.Array]], *, before: list | tuple = (), after: str = "") -> pa.Array:
    """Per row, the `before` pieces (texts and arrays) + a JSON object of the (key, cell text) pairs + `after`,
    spaced as json.dumps spaces it, joined in one pass."""
    parts: list = list(before)
    for index, (name, texts) in enumerate(cells):
        parts += [("{" if index == 0 else ", ") + json.dumps(name, ensure_ascii=False) + ": ", texts]
    return pc.binary_join_element_wise(*parts, "}" + after, "")


def _write_json_rows(out: IO[bytes], rows: pa.Array, count: int) -> None:
    """Rows made with before=",\n": the file's first row drops the comma."""
    _write_texts(out, rows, skip=0 if count else 1)


def write_json(batches: Iterable, columns: tuple[Column, ...], out: IO[bytes]) -> int:
    """A JSON array of objects keyed by column name: the Open311 GeoReport shape for requests."""
    out.write(b"[")
    count = 0
    for batch in text_batches(batches, columns):
        cells = [(column.name, _json_cells(values, column)) for values, column in zip(batch.columns, columns)]
        _write_json_rows(out, _json_objects(cells, before=[",\n"]), count)
        count += batch.num_rows
    out.write(b"\n]\n")
    return count


def write_geojson(batches: Iterable, columns: tuple[Column, ...], out: IO[bytes]) -> int:
    """A GeoJSON FeatureCollection: a Point (long, lat) per row, the other columns as properties."""
    names = [column.name for column in columns]
    lat, long = next(pair for pair in COORDINATES if set(pair) <= set(names))
    out.write(b'{"type": "FeatureCollection", "features": [')
    count = 0
    for batch in text_batches(batches, columns):
        cells = {column.name: _json_cells(values, column) for values, column in zip(batch.columns, columns)}
        point = [',\n{"type": "Feature", "geometry": {"type": "Point", "coordinates": [', cells[long], ", ", cells[lat],
                 ']}, "properties": ']
        features = _json_objects([(name, texts) for name, texts in cells.items() if name not in (lat, long)],
                                 before=point, after="}")
        _write_json_rows(out, features, count)
        count += batch.num_rows
    out.write(b"\n]}\n")
    return count


def arrow_schema(columns: tuple[Column, ...]):
    types = {"text": pa.string(), "integer": pa.int64(), "number": pa.float64(), "boolean": pa.bool_(),
             "datetime": pa.timestamp("us", tz="UTC"), "date": pa.date32()}
    return pa.schema([pa.field(column.name, types[column.type], nullable=column.nullable) for column in columns])


def write_parquet(batches: Iterable, columns: tuple[Column, ...], out: IO[bytes]) -> int:
    """Parquet (zstd), written a row group of ROW_GROUP_SIZE rows at a time with pyarrow."""
    schema = arrow_schema(columns)
    count = 0
    pending: list[pa.RecordBatch] = []

    def flush(writer) -> None:
        writer.write_table(pa.Table.from_batches(pending).cast(schema))  # ISO text to timestamps
        pending.clear()

    with pq.ParquetWriter(out, schema, compression="zstd") as writer:
        for batch in text_batches(batches, columns):
            pending.append(batch)
            count += batch.num_rows
            if sum(item.num_rows for item in pending) >= ROW_GROUP_SIZE:
                flush(writer)
        if pending:
            flush(writer)
        elif count == 0:
            writer.write_table(schema.empty_table())
    return count


WRITERS = {"csv": write_csv, "json": write_json, "geojson": write_geojson, "parquet": write_parquet}


def export(dataset: BuiltinDataset, fmt: str, *, storage=None, batch_size: int | None = None) -> ExportFile:
    """Write `dataset` as `fmt`, save it through the storage API and make it the current download.

    Safe to run twice, even at once: each run saves its own file; the last to finish is current. The file
    replaced stays until the next export (a download that started on it can finish), then is deleted.
    Returns the ExportFile row, with the row count and how long the export took.
    """
    if fmt not in dataset.formats:
        raise ValueError(f"{dataset.slug} is not published as {fmt}")
    storage = storage or default_storage
    started = time.monotonic()
    options = {} if batch_size is None else {"batch_size": batch_size}
    batches = dataset.point_batches if fmt == "geojson" and dataset.point_batches is not None else dataset.batches
    with tempfile.TemporaryFile() as scratch:
        rows = english(lambda: WRITERS[fmt](batches(**options), dataset.columns, scratch))
        scratch.seek(0)
        stamp = timezone.now().strftime("%Y%m%dT%H%M%S")
        name = storage.save(f"{STORAGE_DIR}/{dataset.slug}/{dataset.slug}-{stamp}-{secrets.token_hex(4)}.{fmt}",
                            File(scratch))
    size = storage.size(name)
    duration = time.monotonic() - started
    with transaction.atomic():
        current = ExportFile.objects.select_for_update().filter(dataset=dataset.slug, format=fmt).first()
        stale = current.previous_path if current else ""
        if current is None:
            current = ExportFile(dataset=dataset.slug, format=fmt)
        current.previous_path = current.path if current.path else ""
        current.path, current.size, current.row_count = name, size, rows
        current.generated_at, current.duration = timezone.now(), duration
        current.save()
    if stale and stale not in (current.path, current.previous_path):
        storage.delete(stale)
    log.info("open data: %s.%s, %d rows in %.2f s (%.0f rows/s), %d bytes", dataset.slug, fmt, rows, duration,
             rows / duration if duration else 0, size)
    return current


def export_all(*, datasets: Iterable[str] | None = None, formats: Iterable[str] | None = None,
               storage=None) -> list[ExportFile]:
    """Export every built-in and registered dataset (or those named) in each of its formats (or those named)."""
    done = []
    for slug in datasets or BUILTIN:
        dataset = BUILTIN[slug]
        for fmt in dataset.formats:
            if formats is None or fmt in formats:
                done.append(export(dataset, fmt, storage=storage))
    return done


def current_files(slug: str) -> dict[str, ExportFile]:
    """{format: ExportFile} of the dataset's published files."""
    return {item.format: item for item in ExportFile.objects.filter(dataset=slug)}
