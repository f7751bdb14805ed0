"""The one fast path for writing many service requests: COPY on PostgreSQL, executemany on SQLite.

The generator and the importer build a batch as columns (numpy arrays or
lists, named as in the column orders below) and hand them to a BulkWriter
inside their own transaction, so a batch is written whole or not at all. On PostgreSQL the
columns become COPY's binary format, built column by column with numpy and Arrow
(copy_binary(); CSV written by Arrow for a column type it does not know), sent with
one COPY per table; on SQLite they go to executemany. Ids are drawn by the writer itself (from
the table's sequence on PostgreSQL, past the highest id on SQLite), so timeline
rows can point at their requests without a round trip per row, and the
sequences stay right for the rows inserted afterwards by the application.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import io
import json
import os
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
from django.db import IntegrityError, connection, connections, transaction
from django.utils.translation import gettext

from civicdesk.servicerequests.models import ServiceRequest, TimelineEntry

from .models import DroppedIndex, ImportedRequest

# The columns callers fill, in this order. Columns the models gain later are written with their
# field defaults (see _columns), so a new field does not break the loaders.
REQUEST_COLUMNS = [
    "id", "public_id", "jurisdiction_id", "service_type_id", "status_id", "is_open", "priority", "description",
    "attributes", "lat", "long", "address", "address_id", "district_id", "channel", "reporter_id", "contact_name",
    "contact_email", "contact_phone", "language", "device_id", "client_name", "department_id", "team_id",
    "assignee_id", "routing_rule_id", "routing_note", "requested_at", "updated_at", "expected_at", "closed_at",
    "duplicate_of_id", "supporters_count", "is_private", "media_url",
]
TIMELINE_COLUMNS = ["id", "request_id", "kind", "is_public", "message", "author_id", "status_from_id",
                    "status_to_id", "data", "created_at"]
IMPORTED_COLUMNS = ["source", "source_id", "request_id", "run_id", "row"]
T = TypeVar("T")
#: SQLite refuses statements with more bound values than this (SQLITE_MAX_VARIABLE_NUMBER since 3.32).
SQLITE_MAX_VARIABLES = 32_000

_EPOCH = dt.datetime(1970, 1, 1)
#: An instant column's "no value" (NULL) in the int64 epoch-second arrays write_columns() takes.
NO_TIME = -(1 << 62)
#: " HH:MM:SS" for every second of a day: a timestamp is then two list look-ups and one concatenation.
_CLOCK = [f" {s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}" for s in range(86400)]


def _columns(model, known: list[str]) -> tuple[list[str], tuple]:
    """`known` plus the columns the model has beyond them, with those fields' defaults.

    Raises RuntimeError when a known column is gone from the model.
    """
    fields = {f.column: f for f in model._meta.concrete_fields}
    gone = sorted(set(known) - set(fields))
    if gone:
        raise RuntimeError(f"{model.__name__} lost the columns {gone}: update civicdesk/datasets/bulk.py")
    extra = [f for column, f in fields.items() if column not in known and not (f.primary_key and column == "id")]
    return known + [f.column for f in extra], tuple(f.get_db_prep_save(f.get_default(), connection) for f in extra)


#: PostgreSQL's binary COPY format: signature, flags, header extension length; and the trailer.
_COPY_HEADER = b"PGCOPY\n\xff\r\n\x00" + bytes(8)
_COPY_TRAILER = b"\xff\xff"
_NULL = pa.scalar(b"\xff\xff\xff\xff", pa.large_binary())  # a field's length -1: NULL
_EMPTY = pa.scalar(b"", pa.large_binary())
#: Seconds from the Unix epoch to PostgreSQL's (2000-01-01 UTC), whose microseconds a binary timestamptz holds.
_PG_EPOCH = 946_684_800
#: The column types copy_binary() writes, each with how: the big-endian numpy type of its value ("?" a boolean
#: byte), "timestamptz", "jsonb", or None for a text.
BINARY_TYPES = {"bigint": ">i8", "integer": ">i4", "smallint": ">i2", "double precision": ">f8", "boolean": "?",
                "timestamp with time zone": "timestamptz", "text": None, "character varying": None,
                "jsonb": "jsonb"}


def copy_binary(values: Sequence, types: Sequence[str], count: int) -> bytes:
    """`count` rows given as columns in PostgreSQL's binary COPY format, built column by column in numpy and
    Arrow (no Python per row): the server then parses no text (timestamps, numbers), much of its work in a
    COPY of CSV. `types` are BINARY_TYPES keys; instants are epoch seconds with NO_TIME for NULL; None is
    NULL elsewhere."""
    fields = [_matrix(np.full((count, 1), len(types), dtype=">i2").view(np.uint8))]  # the row's field count
    fields += [_binary_field(column, BINARY_TYPES[kind], count) for column, kind in zip(values, types)]
    rows = pc.binary_join_element_wise(*fields, _EMPTY)
    offsets = np.frombuffer(rows.buffers()[1], dtype=np.int64, count=count + 1, offset=rows.offset * 8)
    return b"".join((_COPY_HEADER, memoryview(rows.buffers()[2])[offsets[0]:offsets[-1]], _COPY_TRAILER))


def _matrix(out: np.ndarray) -> pa.Array:
    """The rows of a 2-D uint8 array as an Arrow array of bytes, one value per row."""
    fixed = pa.FixedSizeBinaryArray.from_buffers(pa.binary(out.shape[1]), out.shape[0],
                                                 [None, pa.py_buffer(np.ascontiguousarray(out))])
    return fixed.cast(pa.large_binary())


def _heads(lengths: np.ndarray, values: np.ndarray | None = None, suffix: bytes = b"") -> pa.Array:
    """Each field's length (big-endian int32), then `suffix`, then its fixed-width value from `values` (already
    big-endian) when given, one per row."""
    width = values.dtype.itemsize if values is not None else 0
    out = np.empty((len(lengths), 4 + len(suffix) + width), dtype=np.uint8)
    out[:, :4] = lengths.astype(">i4").view(np.uint8).reshape(len(lengths), 4)
    out[:, 4:4 + len(suffix)] = np.frombuffer(suffix, dtype=np.uint8)
    if values is not None:
        out[:, 4 + len(suffix):] = values.view(np.uint8).reshape(len(lengths), width)
    return _matrix(out)


def _binary_field(column, kind: str | None, count: int) -> pa.Array:
    """One column's fields (length, then value; length -1 for NULL) as an Arrow array of bytes per row."""
    if kind == "timestamptz":
        epochs = np.asarray(column)
        if epochs.dtype == object:  # a column the model gained, at its default (None)
            epochs = np.where(np.equal(epochs, None), NO_TIME, epochs)
        epochs = epochs.astype(np.int64)
        missing = epochs == NO_TIME
        micros = ((np.where(missing, _PG_EPOCH, epochs) - _PG_EPOCH) * 1_000_000).astype(">i8")
        field = _heads(np.full(count, 8), micros)
        return pc.if_else(pa.array(missing), _NULL, field) if missing.any() else field
    array = pa.array(column, from_pandas=True) if isinstance(column, np.ndarray) and column.dtype == object \
        else pa.array(column)
    if kind is None or kind == "jsonb":  # texts; jsonb's start with a version byte (1)
        texts = array.cast(pa.large_string()).fill_null("")
        lengths = pc.binary_length(texts).to_numpy()
        head = _heads(lengths + 1, suffix=b"\x01") if kind == "jsonb" else _heads(lengths)
        field = pc.binary_join_element_wise(head, texts.cast(pa.large_binary()), _EMPTY)
    else:
        numbers = array.cast(pa.bool_() if kind == "?" else pa.float64() if kind == ">f8" else pa.int64())
        filled = numbers.fill_null(0 if kind != "?" else False).to_numpy(zero_copy_only=False)
        values = filled.astype(np.uint8 if kind == "?" else kind)
        field = _heads(np.full(count, values.dtype.itemsize), values)
    return pc.if_else(array.is_null(), _NULL, field) if array.null_count else field


@dataclass
class Encoded:
    """Rows of one table ready to store (BulkWriter.encode_columns()): `rows` is COPY's binary format (or CSV
    text) on PostgreSQL, row tuples on SQLite; `values` the columns they came from, in `names` order."""

    model: type
    names: list[str]
    values: list
    rows: Any
    #: Whether `rows` is COPY's binary format (copy_binary()) rather than CSV.
    binary: bool = False


class BulkWriter:
    """Writes request, timeline and imported-id rows in one go; call its methods inside a transaction.

    `new_ids(model, n)` reserves n primary keys; `write_columns()` stores
    rows given as columns, `write_rows()` rows given as tuples in
    REQUEST_COLUMNS / TIMELINE_COLUMNS / IMPORTED_COLUMNS order; instants are
    epoch seconds either way. Foreign keys are checked as usual: by the database's triggers, or
    on PostgreSQL for a superuser once per batch and column (check_keys()), unless `skip_fk_checks`.
    """

    def __init__(self, *, skip_fk_checks: bool = False, exclusive: bool = False) -> None:
        self.vendor = connection.vendor
        #: An exclusive load (nobody else writes meanwhile): ids are reserved as one block (see new_ids).
        self.exclusive = exclusive
        self.request_columns, self.request_extra = _columns(ServiceRequest, REQUEST_COLUMNS)
        self.timeline_columns, self.timeline_extra = _columns(TimelineEntry, TIMELINE_COLUMNS)
        self.imported_columns, self.imported_extra = _columns(ImportedRequest, IMPORTED_COLUMNS)
        self._suffix = "+00" if self.vendor == "postgresql" else ""
        self._clock = [text + self._suffix for text in _CLOCK]
        self._clock_array = np.array(self._clock, dtype=object)
        #: Whether write() skips PostgreSQL's foreign-key triggers (see begin_batch()).
        superuser = self.vendor == "postgresql" and _is_superuser()
        self.skip_fk_checks = skip_fk_checks and superuser
        #: Whether write_columns() checks foreign keys once per batch and column (check_keys()) instead of
        #: PostgreSQL's trigger per row and key (superusers only, and only while the tables have no triggers
        #: but the foreign keys' own, which a COPY under `session_replication_role = replica` would skip).
        self.keys_checked_in_bulk = superuser and not self.skip_fk_checks and _only_key_triggers()
        self._tuned = False
        #: Each table's id sequence by table name (PostgreSQL), looked up once.
        self._sequences: dict[str, str] = {}
        #: The ids each model's rows written in the current batch hold: keys pointing at them need no check.
        self._written: dict = {}
        #: Each table's column types for copy_binary() (None: CSV), by (model, columns).
        self._types: dict = {}

    # --- values -------------------------------------------------------------------------------------

    def timestamps(self, epochs: np.ndarray) -> np.ndarray:
        """Vectorised timestamp(): an object array of texts (None where `epochs` holds NO_TIME)."""
        epochs = np.asarray(epochs, dtype=np.int64)
        missing = epochs == NO_TIME
        day, second = np.divmod(np.where(missing, 0, epochs), 86400)
        days, inverse = np.unique(day, return_inverse=True)
        texts = np.array([(_EPOCH + dt.timedelta(days=int(d))).strftime("%Y-%m-%d") for d in days], dtype=object)
        out = texts[inverse.reshape(-1)] + self._clock_array[second]
        out[missing] = None
        return out

    def _binary_types(self, model, names: list[str]) -> list[str] | None:
        """The PostgreSQL types of `names` in `model`'s table when copy_binary() can write them all, else None
        (looked up once per table)."""
        key = (model, tuple(names))
        if key not in self._types:
            with connection.cursor() as cursor:
                cursor.execute("SELECT attname, atttypid::regtype::text FROM pg_attribute WHERE attrelid = %s::regclass "
                               "AND attnum > 0 AND NOT attisdropped", [connection.ops.quote_name(model._meta.db_table)])
                found = dict(cursor.fetchall())
            types = [found.get(name, "") for name in names]
            self._types[key] = types if all(t in BINARY_TYPES for t in types) else None
        return self._types[key]

    def begin_batch(self) -> None:
        """Settings for the batch's transaction; call first inside it.

        On PostgreSQL the commit does not wait for the WAL flush
        (`synchronous_commit = off`): a crash of the database server (not of
        this process) may lose the last few committed batches, never half of
        one, and since each batch carries its own progress a resumed import
        redoes exactly those. With `skip_fk_checks` (superusers only) the
        foreign-key triggers are off for the batch
        (`session_replication_role = replica`); the rows' keys must then be
        known to exist, as they are for the generator and the importer, which
        take every id from rows they read from the database. On SQLite the
        load connection gets a larger page cache (256 MiB, for the indexes
        being updated); durability stays as configured (WAL, synchronous=FULL
        by default), so every committed batch survives even a power loss.
        """
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                cursor.execute("SET LOCAL synchronous_commit = off")
                if self.skip_fk_checks:
                    cursor.execute("SET LOCAL session_replication_role = replica")
            elif not self._tuned:
                cursor.execute("PRAGMA cache_size = -262144")  # 256 MiB of pages for the indexes being updated
        self._tuned = True
        self._written = {}

    def new_ids(self, model, count: int) -> list[int]:
        """`count` unused primary keys for `model`'s table, ascending.

        On PostgreSQL they come from the table's sequence (other writers keep
        working beside the load); in an exclusive load as one block (the
        sequence moved on by `count` in one statement, instead of `count`
        calls of nextval(), which cost the server about as much as the COPY
        itself); that is only safe while nobody else draws from the sequence.
        On SQLite the caller's write transaction holds the database lock, so
        the ids past the highest one ever used are free.
        """
        if count <= 0:
            return []
        table = model._meta.db_table
        with connection.cursor() as cursor:
            if self.vendor == "postgresql" and self.exclusive:
                cursor.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), "
                               "nextval(pg_get_serial_sequence(%s, 'id')) + %s - 1)",
                               [connection.ops.quote_name(table), connection.ops.quote_name(table), count])
                last = cursor.fetchone()[0]
                return list(range(last - count + 1, last + 1))
            if self.vendor == "postgresql":
                # One row holding an array: far cheaper to fetch than `count` rows. The sequence is named once
                # as a constant: pg_get_serial_sequence() inside the statement would run for every row, and
                # cost nine times as much as nextval() itself.
                if table not in self._sequences:
                    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [connection.ops.quote_name(table)])
                    self._sequences[table] = cursor.fetchone()[0]
                cursor.execute("SELECT array_agg(nextval(%s::regclass)) FROM generate_series(1, %s)",
                               [self._sequences[table], count])
                return sorted(cursor.fetchone()[0])
            cursor.execute(f"SELECT max(id) FROM {connection.ops.quote_name(table)}")
            highest = cursor.fetchone()[0] or 0
            with contextlib.suppress(Exception):  # no sqlite_sequence before the first AUTOINCREMENT insert
                cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
                row = cursor.fetchone()
                highest = max(highest, row[0] if row else 0)
        return list(range(highest + 1, highest + 1 + count))

    def existing_public_ids(self, public_ids: Sequence[str]) -> set[str]:
        """Which of `public_ids` are already taken by stored requests."""
        found: set[str] = set()
        table = connection.ops.quote_name(ServiceRequest._meta.db_table)
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                cursor.execute(f"SELECT public_id FROM {table} WHERE public_id = ANY(%s)", [list(public_ids)])
                return {row[0] for row in cursor.fetchall()}
            for start in range(0, len(public_ids), SQLITE_MAX_VARIABLES):
                chunk = public_ids[start:start + SQLITE_MAX_VARIABLES]
                cursor.execute(f"SELECT public_id FROM {table} WHERE public_id IN ({', '.join(['%s'] * len(chunk))})",
                               list(chunk))
                found.update(row[0] for row in cursor.fetchall())
        return found

    def imported(self, source: str, source_ids: Sequence[str]) -> dict[str, tuple[int, int]]:
        """{source id: (run id, row)} for those of `source_ids` already imported from `source`.

        One query with one array parameter on PostgreSQL (no statement with
        thousands of placeholders to build), chunks of IN lists on SQLite.
        """
        found: dict[str, tuple[int, int]] = {}
        if not source_ids:
            return found
        table = connection.ops.quote_name(ImportedRequest._meta.db_table)
        row = connection.ops.quote_name("row")
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                cursor.execute(f"SELECT source_id, run_id, {row} FROM {table} WHERE source = %s AND source_id = ANY(%s)",
                               [source, list(source_ids)])
                return {sid: (run_id, number) for sid, run_id, number in cursor.fetchall()}
            for start in range(0, len(source_ids), SQLITE_MAX_VARIABLES - 1):
                chunk = list(source_ids[start:start + SQLITE_MAX_VARIABLES - 1])
                cursor.execute(f"SELECT source_id, run_id, {row} FROM {table} WHERE source = %s AND source_id IN "
                               f"({', '.join(['%s'] * len(chunk))})", [source, *chunk])
                found.update((sid, (run_id, number)) for sid, run_id, number in cursor.fetchall())
        return found

    # --- writing ------------------------------------------------------------------------------------

    def write_rows(self, requests: Sequence[tuple], entries: Sequence[tuple], imported: Sequence[tuple] = ()) -> None:
        """write_columns() for row tuples (REQUEST_COLUMNS / TIMELINE_COLUMNS / IMPORTED_COLUMNS order, instants
        as epoch seconds or NO_TIME), turned into columns in C (zip)."""
        for model, known, rows in ((ServiceRequest, REQUEST_COLUMNS, requests),
                                   (TimelineEntry, TIMELINE_COLUMNS, entries),
                                   (ImportedRequest, IMPORTED_COLUMNS, imported)):
            if rows:
                self.write_columns(model, dict(zip(known, (list(column) for column in zip(*rows)))), len(rows))

    def write_columns(self, model, columns: Mapping[str, Sequence], count: int) -> None:
        """Store `count` rows given column by column (numpy arrays or lists, every known column of the model).

        Instants are int64 epoch seconds (NO_TIME for NULL), converted here;
        other values are as for write(). On PostgreSQL the columns become COPY's
        binary format (copy_binary(), or CSV written by Arrow when a column's
        type is not one it writes) sent with a single COPY (no Python work per
        row or per value); on SQLite they are zipped into row tuples for
        executemany. The same as write_encoded(encode_columns(...)).
        """
        encoded = self.encode_columns(model, columns, count)
        if encoded is not None:
            self.write_encoded(encoded)

    def encode_columns(self, model, columns: Mapping[str, Sequence], count: int) -> Encoded | None:
        """write_columns()'s first half, which needs no database but a look-up of the table's column types
        once: the rows as COPY's binary format or CSV text (PostgreSQL) or as row tuples (SQLite), ready for
        write_encoded(); None for no rows."""
        if count <= 0:
            return None
        names, extra = {ServiceRequest: (self.request_columns, self.request_extra),
                        TimelineEntry: (self.timeline_columns, self.timeline_extra),
                        ImportedRequest: (self.imported_columns, self.imported_extra)}[model]
        time_columns = {f.column for f in model._meta.concrete_fields if f.get_internal_type() == "DateTimeField"}
        known = names[:len(names) - len(extra)]
        types = self._binary_types(model, names) if self.vendor == "postgresql" else None
        values = [columns[name] if types or name not in time_columns else self.timestamps(columns[name])
                  for name in known]
        for value in extra:
            value = getattr(value, "obj", value)  # a JSON default (psycopg's Jsonb wrapper) as its text
            values.append(np.full(count, value if not isinstance(value, (dict, list)) else json.dumps(value),
                                  dtype=object))
        if types:
            return Encoded(model, names, values, copy_binary(values, types, count), binary=True)
        if self.vendor == "postgresql":
            arrays = [pa.array(v, from_pandas=True) if isinstance(v, np.ndarray) and v.dtype == object
                      else pa.array(v) for v in values]
            arrays = [a.cast(pa.string()) if a.type == pa.null() else a for a in arrays]  # a column of NULLs
            buffer = io.BytesIO()
            # all_valid quotes every non-NULL value: "" is an empty text, an unquoted empty field is NULL.
            pa_csv.write_csv(pa.Table.from_arrays(arrays, names=[f"c{i}" for i in range(len(arrays))]), buffer,
                             pa_csv.WriteOptions(include_header=False, quoting_style="all_valid"))
            return Encoded(model, names, values, buffer.getbuffer())
        lists = [v.tolist() if isinstance(v, np.ndarray) else list(v) for v in values]
        return Encoded(model, names, values, list(zip(*lists)))

    def write_encoded(self, encoded: Encoded) -> None:
        """write_columns()'s second half: store rows encode_columns() made (inside the batch's transaction)."""
        model, names, values = encoded.model, encoded.names, encoded.values
        table = connection.ops.quote_name(model._meta.db_table)
        quoted = ", ".join(connection.ops.quote_name(c) for c in names)
        if self.vendor == "postgresql":
            with connection.cursor() as cursor:
                if self.keys_checked_in_bulk:
                    cursor.execute("SET LOCAL session_replication_role = replica")
                with cursor.cursor.copy(f"COPY {table} ({quoted}) FROM STDIN WITH "
                                        f"(FORMAT {'binary' if encoded.binary else 'csv'})") as copy:
                    copy.write(encoded.rows)
                if self.keys_checked_in_bulk:
                    cursor.execute("SET LOCAL session_replication_role = origin")
            if self.keys_checked_in_bulk:
                if "id" in names:
                    self._written[model] = set(np.asarray(values[names.index("id")]).tolist())
                self.check_keys(model, dict(zip(names, values)))
            return
        with connection.cursor() as cursor:
            cursor.executemany(f"INSERT INTO {table} ({quoted}) VALUES ({', '.join(['%s'] * len(names))})",
                               encoded.rows)

    def check_keys(self, model, columns: Mapping[str, Sequence]) -> None:
        """Check the foreign keys of rows just written (PostgreSQL, inside their transaction), as the
        database's own triggers would, but once per column: each referenced table is asked once for the
        column's distinct keys with `FOR KEY SHARE`, the lock the triggers take, so no other transaction can
        delete those rows before this one commits. Keys of rows this batch wrote itself need no look-up.
        Raises IntegrityError naming the column and a missing key."""
        for field in model._meta.concrete_fields:
            if not field.is_relation or not field.db_constraint or field.column not in columns:
                continue
            target = field.related_model
            values = columns[field.column]
            keys = set(values.tolist() if isinstance(values, np.ndarray) else values)
            keys.discard(None)
            keys -= self._written.get(target, set())
            if not keys:
                continue
            keys = {key.item() if isinstance(key, np.generic) else key for key in keys}
            target_field = field.target_field
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT {connection.ops.quote_name(target_field.column)} FROM "
                               f"{connection.ops.quote_name(target._meta.db_table)} WHERE "
                               f"{connection.ops.quote_name(target_field.column)} = ANY(%s) FOR KEY SHARE",
                               [sorted(keys)])
                missing = keys - {row[0] for row in cursor.fetchall()}
            if missing:
                raise IntegrityError(f"{model._meta.db_table}.{field.column} = {sorted(missing)[0]!r} is not present "
                                     f"in {target._meta.db_table}")


class BackgroundBatches:
    """Stores a load's batches from a thread of its own, so that the next batch is built while the database
    takes in this one (PostgreSQL, outside a transaction); elsewhere each batch is stored at once.

    `store(prepare, write, done)` builds a batch with `prepare()` (ids drawn,
    columns made), stores it with `write(batch)` in a transaction of its own
    (`writer.begin_batch()` first), then calls `done(batch)` in the caller's
    thread. Stored at once, all three run in the caller's thread and
    `prepare()` inside the batch's transaction (SQLite's ids past the highest
    one are only free while the transaction holds the database lock). In the
    background (`background` true, PostgreSQL outside a transaction), only
    `write()` runs in the writing thread, on a connection of its own, and
    `prepare()` on the caller's connection outside any transaction (sequences
    do not wait for a commit): while the server parses one batch's COPY the
    caller builds the next one instead of waiting for it. One batch is in
    flight at a time: `store()` first waits for the previous one and raises
    its error, if any. Leaving the `with` block waits for the last one (after
    an error without calling its `done()`), so no batch is left half written.
    """

    def __init__(self, writer: BulkWriter, *, background: bool) -> None:
        self.writer = writer
        self.background = background and writer.vendor == "postgresql" and not connection.in_atomic_block
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="bulk-writer") if self.background else None
        self._pending: tuple[Future, Callable[[], None]] | None = None

    def __enter__(self) -> BackgroundBatches:
        return self

    def __exit__(self, kind, error, traceback) -> bool:
        try:
            if error is None:
                self.wait()
            elif self._pending is not None:
                self._pending[0].exception()  # let it finish: the caller's error is the one to raise
        finally:
            if self._pool is not None:
                self._pool.submit(lambda: connections["default"].close()).result()  # the thread's own connection
                self._pool.shutdown()
        return False

    def store(self, prepare: Callable[[], T], write: Callable[[T], None], done: Callable[[T], None]) -> None:
        if self._pool is None:
            with transaction.atomic():
                self.writer.begin_batch()
                batch = prepare()
                write(batch)
            done(batch)
            return
        batch = prepare()
        self.wait()
        self._pending = (self._pool.submit(self._in_transaction, write, batch), lambda: done(batch))

    def wait(self) -> None:
        """Wait for the batch in flight, if any; raise its error or call its `done()`."""
        if self._pending is not None:
            future, done = self._pending
            self._pending = None
            future.result()
            done()

    def _in_transaction(self, write: Callable[[T], None], batch: T) -> None:
        with transaction.atomic():
            self.writer.begin_batch()
            write(batch)


def _only_key_triggers(models: Sequence = (ServiceRequest, TimelineEntry, ImportedRequest)) -> bool:
    """Whether the loaders' tables have no triggers but the foreign keys' own (PostgreSQL)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal AND tgrelid = ANY(%s::regclass[])",
                       [[model._meta.db_table for model in models]])
        return cursor.fetchone()[0] == 0


@contextlib.contextmanager
def foreign_keys_unchecked(writer: BulkWriter) -> Iterator[None]:
    """An exclusive load's foreign-key shortcut, for the whole load.

    On SQLite the connection's `foreign_keys` pragma is off meanwhile (it can
    only change outside a transaction, so inside one, e.g. in tests, nothing
    changes); on PostgreSQL `writer.skip_fk_checks` makes each batch skip the
    triggers (see BulkWriter.begin_batch). Only for keys known to exist.
    """
    disabled = writer.vendor == "sqlite" and connection.disable_constraint_checking()
    try:
        yield
    finally:
        if disabled:
            connection.enable_constraint_checking()


@contextlib.contextmanager
def collecting_between_batches() -> Iterator[Callable[[], None]]:
    """Python's cyclic garbage collector off during a load, run by the caller after each batch instead.

    A batch allocates hundreds of thousands of row tuples, which would set
    off the collector again and again while they are alive (about a fifth
    of the CPU time), although they are freed by reference counting anyway.
    What existed before the load is frozen out of the collections; the
    yielded function, called after each batch, collects the few cycles a
    batch leaves (exceptions for rejected rows), so memory stays constant.
    """
    enabled = gc.isenabled()
    gc.collect()
    gc.freeze()
    gc.disable()
    try:
        yield gc.collect
    finally:
        gc.unfreeze()
        if enabled:
            gc.enable()


def _is_superuser() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        row = cursor.fetchone()
    return bool(row and row[0])


class ExclusiveLoadRefused(Exception):
    """An exclusive load (`--rebuild-indexes`) was asked for while other clients use the database."""


def other_clients() -> int:
    """How many other clients have the database open right now.

    PostgreSQL: the other client connections to this database
    (pg_stat_activity). SQLite: the other processes on this machine holding
    the database file (or its WAL) open, found in /proc (an SQLite database
    is only ever used from the machine it is on); 0 where /proc is missing.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # Inside a transaction pg_stat_activity is a snapshot taken at its first read: take a fresh one.
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                           "AND pid <> pg_backend_pid() AND backend_type = 'client backend'")
            return cursor.fetchone()[0]
    name = str(connection.settings_dict["NAME"])
    if not os.path.isfile(name) or not os.path.isdir("/proc"):
        return 0
    files = {os.path.realpath(name + suffix) for suffix in ("", "-wal")}
    holders = set()
    for pid in (entry for entry in os.listdir("/proc") if entry.isdigit() and int(entry) != os.getpid()):
        with contextlib.suppress(OSError):  # gone meanwhile, or another user's process
            for fd in os.listdir(f"/proc/{pid}/fd"):
                with contextlib.suppress(OSError):
                    if os.readlink(f"/proc/{pid}/fd/{fd}") in files:
                        holders.add(pid)
                        break
    return len(holders)


def ensure_exclusive() -> None:
    """Refuse an exclusive load while anything else uses the database (the site, its workers, a shell).

    Raises ExclusiveLoadRefused saying how many other clients there are.
    Dropping indexes would make their queries crawl, and the load's shortcuts
    (foreign-key checks skipped, ids reserved in blocks) are only safe alone.
    """
    others = other_clients()
    if others:
        raise ExclusiveLoadRefused(gettext(
            "The database is in use by %(count)d other client(s) (the site, its task worker, another command). "
            "An exclusive load (--rebuild-indexes) needs the database to itself: stop them first, or load "
            "without --rebuild-indexes.") % {"count": others})


def restore_dropped_indexes() -> list[str]:
    """Build the indexes an interrupted exclusive load left dropped (see DroppedIndex); their names."""
    built = []
    for dropped in DroppedIndex.objects.order_by("pk"):
        if not _index_exists(dropped.name):
            with connection.cursor() as cursor:
                cursor.execute(dropped.sql)
        dropped.delete()
        built.append(dropped.name)
    return built


def _index_exists(name: str) -> bool:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT 1 FROM pg_indexes WHERE schemaname = current_schema() AND indexname = %s", [name])
        else:
            cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = %s", [name])
        return cursor.fetchone() is not None


@contextlib.contextmanager
def secondary_indexes_dropped(models: Sequence = (ServiceRequest, TimelineEntry)) -> Iterator[None]:
    """Drop the tables' indexes that back no constraint, then build them again from their own SQL.

    One sorted build after a load of millions is far cheaper than keeping a
    dozen indexes up to date row by row. Only for loads into a database
    nobody is using at the same time (callers check ensure_exclusive()
    first): queries run without those indexes meanwhile. Each index is
    recorded as a DroppedIndex (committed first, outside a transaction)
    before it is dropped and forgotten once it is built again, so they are
    built again when the load fails, and after a process killed outright by
    the next bulk command (restore_dropped_indexes()).
    """
    tables = [model._meta.db_table for model in models]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT indexname, indexdef, tablename FROM pg_indexes WHERE schemaname = current_schema() "
                           "AND tablename = ANY(%s) AND indexname NOT IN (SELECT conname FROM pg_constraint)",
                           [tables])
        else:
            # The indexes SQLite makes for UNIQUE and PRIMARY KEY have no SQL and stay.
            cursor.execute("SELECT name, sql, tbl_name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                           f"AND tbl_name IN ({', '.join(['%s'] * len(tables))})", tables)
        indexes = cursor.fetchall()
    DroppedIndex.objects.bulk_create([DroppedIndex(table=table, name=name, sql=sql) for name, sql, table in indexes])
    with connection.cursor() as cursor:
        for name, _sql, _table in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    try:
        yield
    finally:
        pending = [(name, sql) for name, sql, _table in indexes if not _index_exists(name)]  # else rebuilt already
        if connection.vendor == "postgresql" and not connection.in_atomic_block and INDEX_BUILDERS > 1 \
                and len(pending) > 1:
            build_indexes_in_parallel([sql for _name, sql in pending])
        else:
            with connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    if connection.in_atomic_block:
                        # Inside an outer transaction the deferred foreign-key checks are still queued, and
                        # PostgreSQL builds no index on a table with pending trigger events: run them now.
                        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                    cursor.execute("SET maintenance_work_mem = '512MB'")
                for _name, sql in pending:
                    cursor.execute(sql)
        DroppedIndex.objects.filter(name__in=[name for name, _sql, _table in indexes]).delete()


#: How many connections build a PostgreSQL load's dropped indexes at once: one per core (each build is one
#: CPU-bound scan and sort, and a load's dozens of indexes are what an exclusive load spends most time on).
INDEX_BUILDERS = min(4, os.cpu_count() or 1)


def build_indexes_in_parallel(statements: Sequence[str], builders: int | None = None) -> None:
    """Run CREATE INDEX `statements` on PostgreSQL from `builders` connections of their own (threads), each
    taking the next statement when it is done; several indexes of one table can be built at once (CREATE
    INDEX takes a SHARE lock, which does not conflict with itself). Only outside a transaction: the other
    connections must see the committed rows. Raises the first error once every builder has stopped; an
    index left unbuilt stays recorded as a DroppedIndex and is built by restore_dropped_indexes()."""
    queue = list(reversed(statements))
    errors: list[BaseException] = []
    lock = threading.Lock()

    def build() -> None:
        try:
            with connections["default"].cursor() as cursor:  # a new connection: one per thread
                cursor.execute("SET maintenance_work_mem = '256MB'")
                while True:
                    with lock:
                        if errors or not queue:
                            return
                        sql = queue.pop()
                    cursor.execute(sql)
        except BaseException as exc:  # noqa: BLE001 (handed to the caller's thread below)
            with lock:
                errors.append(exc)
        finally:
            connections["default"].close()

    threads = [threading.Thread(target=build, name=f"index-builder-{n}")
               for n in range(min(builders or INDEX_BUILDERS, len(statements)))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
