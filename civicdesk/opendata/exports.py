"""Writing the built-in datasets as CSV, JSON, GeoJSON and Parquet, and publishing each file atomically.

Every writer takes rows a batch at a time and writes them out at once, so memory holds one batch (and,
for Parquet, one row group). The file is written to a local temporary file, saved through the Django
storage API under a new name, and only then does the `ExportFile` row point at it: a download reads
either the old whole file or the new whole file, never a half-written one.
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
from collections.abc import Iterable
from typing import IO

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from .builtin import BUILTIN, BuiltinDataset, Column, english
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


#: How each type of cell is written in CSV (looked up by exact type: the export's hot loop).
_CSV = {str: str, float: repr, int: str, bool: lambda value: "true" if value else "false",
        dt.datetime: _csv_datetime, dt.date: dt.date.isoformat, decimal.Decimal: lambda value: str(json_value(value))}


#: The same, by column type (Column.type), so the hot loop does no type look-up.
_CSV_BY_TYPE = {"text": str, "integer": str, "number": repr, "boolean": _CSV[bool], "datetime": _csv_datetime,
                "date": lambda value: value.isoformat()}


def csv_value(value) -> str:
    if value is None:
        return ""
    return _CSV.get(type(value), str)(value)


def write_csv(batches: Iterable[list[tuple]], columns: tuple[Column, ...], out: IO[bytes]) -> int:
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=False)
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow([column.name for column in columns])
    count = 0
    convert = [_CSV_BY_TYPE[column.type] for column in columns]
    for batch in batches:
        writer.writerows([("" if value is None else to_text(value)) for to_text, value in zip(convert, row)]
                         for row in batch)
        count += len(batch)
    text.flush()
    text.detach()
    return count


def _identity(value):
    return value


def _json_converters(columns: tuple[Column, ...]) -> list:
    """Per column, how a (non-null) cell becomes JSON: times as UTC ISO 8601 with "Z", dates ISO, the rest as is."""
    return [_csv_datetime if column.type == "datetime" else dt.date.isoformat if column.type == "date" else _identity
            for column in columns]


def write_json(batches: Iterable[list[tuple]], columns: tuple[Column, ...], out: IO[bytes]) -> int:
    """A JSON array of objects keyed by column name: the Open311 GeoReport shape for requests."""
    names = [column.name for column in columns]
    convert = _json_converters(columns)
    out.write(b"[")
    count = 0
    for batch in batches:
        chunk = ",\n".join(json.dumps({name: None if value is None else to_json(value)
                                        for name, to_json, value in zip(names, convert, row)}, ensure_ascii=False)
                           for row in batch)
        out.write((",\n" if count else "\n").encode() + chunk.encode("utf-8"))
        count += len(batch)
    out.write(b"\n]\n")
    return count


def write_geojson(batches: Iterable[list[tuple]], columns: tuple[Column, ...], out: IO[bytes]) -> int:
    """A GeoJSON FeatureCollection: a Point (long, lat) per row, the other columns as properties."""
    names = [column.name for column in columns]
    lat_index, long_index = names.index("lat"), names.index("long")
    convert = _json_converters(columns)
    keep = [index for index, name in enumerate(names) if name not in ("lat", "long")]
    out.write(b'{"type": "FeatureCollection", "features": [')
    count = 0
    for batch in batches:
        features = []
        for row in batch:
            properties = {names[i]: None if row[i] is None else convert[i](row[i]) for i in keep}
            features.append(json.dumps({
                "type": "Feature", "geometry": {"type": "Point", "coordinates": [row[long_index], row[lat_index]]},
                "properties": properties}, ensure_ascii=False))
        out.write((",\n" if count else "\n").encode() + ",\n".join(features).encode("utf-8"))
        count += len(batch)
    out.write(b"\n]}\n")
    return count


def arrow_schema(columns: tuple[Column, ...]):
    import pyarrow as pa

    types = {"text": pa.string(), "integer": pa.int64(), "number": pa.float64(), "boolean": pa.bool_(),
             "datetime": pa.timestamp("us", tz="UTC"), "date": pa.date32()}
    return pa.schema([pa.field(column.name, types[column.type], nullable=column.nullable) for column in columns])


def write_parquet(batches: Iterable[list[tuple]], columns: tuple[Column, ...], out: IO[bytes]) -> int:
    """Parquet (zstd), written a row group at a time with pyarrow."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = arrow_schema(columns)
    count = 0
    pending: list[tuple] = []

    def flush(writer) -> None:
        arrays = [pa.array(list(values), type=field.type) for values, field in zip(zip(*pending), schema)]
        writer.write_table(pa.Table.from_arrays(arrays, schema=schema))
        pending.clear()

    with pq.ParquetWriter(out, schema, compression="zstd") as writer:
        for batch in batches:
            pending.extend(batch)
            count += len(batch)
            if len(pending) >= ROW_GROUP_SIZE:
                flush(writer)
        if pending or count == 0:
            if pending:
                flush(writer)
            else:
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
    with tempfile.TemporaryFile() as scratch:
        rows = english(lambda: WRITERS[fmt](dataset.batches(**options), dataset.columns, scratch))
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
    """Export every built-in dataset (or those named) in each of its formats (or those named)."""
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
