"""`manage.py import_311`: load published 311 data (NYC, Chicago, Open311) into service requests.

The file is streamed batch by batch; each batch is one transaction holding
its requests, their timeline entries, their source ids and the run's progress
(see ImportRun), so a crash loses at most the batch in progress and a resumed
run redoes it without duplicates. Rows are read and checked one by one (the
checks' order decides a bad row's reason); the rest of a batch's work is done
for all its rows at once and the result is handed to BulkWriter as columns
(see Importer.process).
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import hashlib
import math
import re
import secrets
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext, gettext_lazy

from civicdesk.catalog.models import ServiceGroup, ServiceType
from civicdesk.jurisdictions.models import Jurisdiction
from civicdesk.servicerequests.models import ServiceRequest, TimelineEntry

from . import formats
from .bulk import (
    NO_TIME,
    BulkWriter,
    collecting_between_batches,
    ensure_exclusive,
    foreign_keys_unchecked,
    restore_dropped_indexes,
    secondary_indexes_dropped,
)
from .formats import SourceRecord
from .generator import _PublicIds
from .models import ImportedRequest, ImportRun
from .services import Locator, RouteCache, SlaClock, StatusBook

IMPORTED_GROUP = "Imported"
_LATITUDE, _LONGITUDE = gettext_lazy("latitude"), gettext_lazy("longitude")
#: What the requested, closed, updated and expected dates are called in a reject's reason.
_DATE_LABELS = (gettext_lazy("creation date"), gettext_lazy("closing date"), gettext_lazy("update date"),
                gettext_lazy("due date"))
REJECT_HEADER = ["row", "source_id", "reason", "original_row"]
_US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*([AaPp][Mm])?)?$")
# What published status words mean here (lower case). Words not listed count as open, or closed when the row
# has a closing date.
OPEN_STATUSES = {"open": "", "unspecified": "", "new": "", "draft": "", "assigned": "acknowledged",
                 "acknowledged": "acknowledged", "in progress": "in_progress", "started": "in_progress",
                 "pending": "action_scheduled", "open - dup": ""}
CLOSED_STATUSES = {"closed": "", "completed": "", "complete": "", "resolved": "", "canceled": "cancelled",
                   "cancelled": "cancelled", "completed - dup": "duplicate", "canceled - dup": "duplicate"}


class ImportFailed(Exception):
    """The import cannot start or go on (bad options, a changed file, nothing to resume)."""


@dataclass
class ImportSummary:
    run: ImportRun
    read: int = 0
    loaded: int = 0
    skipped: int = 0
    rejected: int = 0
    created_types: list[str] = field(default_factory=list)
    finished: bool = False


class _Reject(Exception):
    pass


def fingerprint(path: Path) -> tuple[int, str]:
    """(size, SHA-256 of the first MiB): enough to tell a different file from the one a run started on."""
    with path.open("rb") as handle:
        digest = hashlib.sha256(handle.read(1 << 20)).hexdigest()
    return path.stat().st_size, digest


# --- dates and places ----------------------------------------------------------------------------------

class LocalClock:
    """Local wall-clock times of one time zone to epoch seconds, with the zone's offset cached per hour."""

    def __init__(self, tz: zoneinfo.ZoneInfo):
        self.tz = tz
        self._offsets: dict[int, int] = {}

    def epoch(self, naive_seconds: int) -> int:
        hour = naive_seconds // 3600
        offset = self._offsets.get(hour)
        if offset is None:
            local = dt.datetime(1970, 1, 1) + dt.timedelta(seconds=hour * 3600)
            offset = self._offsets[hour] = int(local.replace(tzinfo=self.tz).utcoffset().total_seconds())
        return naive_seconds - offset

    def epoch_many(self, naive_seconds: np.ndarray) -> np.ndarray:
        """epoch() for an int64 array: the offset is looked up once per distinct hour."""
        hours, inverse = np.unique(naive_seconds // 3600, return_inverse=True)
        offsets = np.array([self.epoch(hour * 3600) - hour * 3600 for hour in hours.tolist()], dtype=np.int64)
        return naive_seconds + offsets[inverse.reshape(-1)]


_ORDINAL_1970 = dt.date(1970, 1, 1).toordinal()


#: Fast path for the usual "01/31/2025 08:05:09 PM": the date, the hour and minute ("08:05 PM") and the
#: seconds are looked up in these caches, filled only with parts of dates that parsed (so at most some
#: thousands of days and 1,440 minutes).
_US_DAYS: dict[str, int] = {}
_US_MINUTES: dict[str, int] = {}
_SECONDS = {f"{n:02d}": n for n in range(60)}


def parse_when(text: str) -> tuple[int, bool] | None:
    """A published date as (seconds, is_utc): NYC/Chicago "01/31/2025 08:05:09 PM", ISO 8601 with or without
    an offset. Without an offset the seconds are local wall-clock time counted as if UTC. None when empty;
    raises ValueError when it is not a date."""
    if not text:
        return None
    if len(text) == 22 and text[16] == ":":
        days, minutes = _US_DAYS.get(text[:10]), _US_MINUTES.get(text[10:16] + text[19:])
        second = _SECONDS.get(text[17:19])
        if days is not None and minutes is not None and second is not None:
            return days + minutes + second, False
        result = _parse_when(text)
        if result is not None and not result[1] and text[2] == "/" and text[5] == "/" and second is not None:
            # A valid fixed-width date: remember its parts.
            minutes = _parse_when(f"01/01/1970{text[10:17]}00{text[19:]}")[0]
            _US_MINUTES[text[10:16] + text[19:]] = minutes
            _US_DAYS[text[:10]] = result[0] - minutes - second
        return result
    return _parse_when(text)


def _parse_when(text: str) -> tuple[int, bool] | None:
    text = text.strip()
    if not text:
        return None
    match = _US_DATE.match(text)
    if match:
        month, day, year, hour, minute, second, half = match.groups()
        hour_n = int(hour or 0)
        if half:
            if not 1 <= hour_n <= 12:
                raise ValueError(text)
            hour_n = hour_n % 12 + (12 if half.lower() == "pm" else 0)
        days = dt.date(int(year), int(month), int(day)).toordinal() - _ORDINAL_1970
        minute_n, second_n = int(minute or 0), int(second or 0)
        if hour_n > 23 or minute_n > 59 or second_n > 59:
            raise ValueError(text)
        return days * 86400 + hour_n * 3600 + minute_n * 60 + second_n, False
    value = dt.datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
    if value.tzinfo is not None:
        return int(value.timestamp()), True
    return int((value - dt.datetime(1970, 1, 1)).total_seconds()), False


def _number(text: str, label, limit: float) -> float:
    try:
        value = float(text)
    except ValueError:
        raise _Reject(gettext("the %(label)s “%(value)s” is not a number") % {"label": label, "value": text}) \
            from None
    if not math.isfinite(value) or not -limit <= value <= limit:
        raise _Reject(gettext("the %(label)s %(value)s is outside -%(limit)d to %(limit)d")
                      % {"label": label, "value": text, "limit": limit})
    return value


#: NYC's and Chicago's date format, as pyarrow's strptime reads it, and the exact shape of its texts.
_US_FORMAT = "%m/%d/%Y %I:%M:%S %p"
_US_SHAPE = r"^(0[1-9]|1[0-2])/(0[1-9]|[12][0-9]|3[01])/[1-9][0-9]{3} (0[1-9]|1[0-2]):[0-5][0-9]:[0-5][0-9] [AP]M$"
_DECIMAL = r"^-?[0-9]{1,3}(\.[0-9]+)?$"


@dataclass(slots=True)
class _CheckedValues:
    """A batch's coordinates and dates read in bulk (see _checked_values): `ok[n]` says row n's values are all
    in the published shape, and then the other arrays hold them (dates as seconds counted as if UTC, NO_TIME
    for an empty one)."""

    ok: list[bool]
    lat: list[float]
    long: list[float]
    requested: list[int]
    closed: list[int]
    updated: list[int]
    expected: list[int]

    def parsed(self, n: int, record: SourceRecord, service_type: ServiceType) -> _Parsed:
        """Row n as Importer._values() would read it (only where ok[n])."""
        closed, updated, expected = self.closed[n], self.updated[n], self.expected[n]
        return _Parsed(record, service_type, self.lat[n], self.long[n], (self.requested[n], False),
                       None if closed == NO_TIME else (closed, False),
                       None if updated == NO_TIME else (updated, False),
                       None if expected == NO_TIME else (expected, False))


def _checked_values(values: dict, count: int) -> _CheckedValues:
    """Coordinates and dates of `count` rows read from their raw text in bulk (pyarrow and numpy).

    A row counts as ok only when each value has exactly the shape that Importer._values() reads the same
    way: coordinates a plain decimal number in range and not both 0, the creation date present, every
    date empty or exactly "MM/DD/YYYY hh:mm:ss AM" with a day the month has. Every other row is left to
    _values(), which accepts it as before or says why not.
    """
    ok = np.ones(count, dtype=bool)
    numbers = []
    for key, limit in (("lat", 90), ("long", 180)):
        column = values.get(key)
        if column is None:
            return _CheckedValues([False] * count, [], [], [], [], [], [])
        text = pc.utf8_trim_whitespace(column)
        shaped = pc.fill_null(pc.match_substring_regex(text, _DECIMAL), False)
        number = pc.cast(pc.if_else(shaped, text, "0"), pa.float64()).to_numpy(zero_copy_only=False)
        ok &= shaped.to_numpy(zero_copy_only=False) & (np.abs(number) <= limit)
        numbers.append(number)
    ok &= (numbers[0] != 0) | (numbers[1] != 0)
    dates = []
    for key in ("requested", "closed", "updated", "expected"):
        column = values.get(key)
        if column is None:
            dates.append(np.full(count, NO_TIME, dtype=np.int64))
            continue
        empty = pc.equal(column, "").to_numpy(zero_copy_only=False)
        shaped = pc.fill_null(pc.match_substring_regex(column, _US_SHAPE), False)
        text = pc.if_else(shaped, column, "01/01/1970 12:00:00 AM")
        when = pc.strptime(text, format=_US_FORMAT, unit="s", error_is_null=True)
        # strptime carries a day past the month's end over ("02/30/2025" is 2 March): a real date keeps its day.
        real = pc.equal(pc.day(when), pc.cast(pc.utf8_slice_codeunits(text, 3, 5), pa.int64()))
        same = pc.fill_null(pc.and_(shaped, real), False)
        seconds = pc.fill_null(pc.cast(when, pa.int64()), NO_TIME).to_numpy(zero_copy_only=False)
        ok &= same.to_numpy(zero_copy_only=False) | (empty & (key != "requested"))
        dates.append(np.where(empty, NO_TIME, seconds))
    return _CheckedValues(ok.tolist(), numbers[0].tolist(), numbers[1].tolist(),
                          *(column.tolist() for column in dates))


# --- categories ----------------------------------------------------------------------------------------

class CategoryMap:
    """Source categories to service types: the mapping file first, then a type with that code or name,
    then (with `create`) a new inactive type in the "Imported" group. Results are cached per category."""

    def __init__(self, *, mapping: dict[str, str], create: bool, run: ImportRun | None = None):
        self.create, self.run = create, run
        self.mapping = {key.strip().lower(): code for key, code in mapping.items()}
        self.types_by_code = {t.code.lower(): t for t in ServiceType.objects.all()}
        self.types_by_name = {}
        for t in ServiceType.objects.order_by("-pk"):
            self.types_by_name[t.name.strip().lower()] = t
        self._cache: dict[tuple, ServiceType | None] = {}
        self.created: list[str] = []

    @classmethod
    def read_mapping(cls, path: Path) -> dict[str, str]:
        """The mapping file: a CSV with the header source,service_code. Raises ImportFailed."""
        try:
            with path.open(encoding="utf-8-sig", newline="") as handle:
                reader = csv.DictReader(handle)
                if not reader.fieldnames or {"source", "service_code"} - {f.strip() for f in reader.fieldnames}:
                    raise ImportFailed(gettext("The mapping file %(path)s must have the header source,service_code.")
                                       % {"path": path})
                mapping = {row["source"].strip(): row["service_code"].strip() for row in reader
                           if (row.get("source") or "").strip()}
        except OSError as exc:
            raise ImportFailed(gettext("Cannot read the mapping file %(path)s: %(error)s")
                               % {"path": path, "error": exc.strerror}) from None
        known = set(ServiceType.objects.values_list("code", flat=True))
        unknown = sorted({code for code in mapping.values() if code not in known})
        if unknown:
            raise ImportFailed(gettext("The mapping file names service codes that do not exist: %(codes)s.")
                               % {"codes": ", ".join(unknown)})
        return mapping

    def resolve(self, record: SourceRecord) -> ServiceType | None:
        key = record.categories
        if key in self._cache:
            return self._cache[key]
        found = None
        for category in key:
            code = self.mapping.get(category.strip().lower())
            if code:
                found = self.types_by_code.get(code.lower())
                break
        if found is None:
            for category in key:
                lowered = category.strip().lower()
                found = self.types_by_code.get(lowered) or self.types_by_name.get(lowered) or \
                    self.types_by_code.get(slugify(category)[:64])
                if found:
                    break
        if found is None and self.create and record.category_name:
            found = self._create(record)
        self._cache[key] = found
        return found

    def _create(self, record: SourceRecord) -> ServiceType:
        group, _ = ServiceGroup.objects.get_or_create(name=IMPORTED_GROUP, defaults={"order": 1000})
        base = slugify(record.category_code if re.fullmatch(r"[A-Za-z0-9_-]+", record.category_code or "")
                       else record.category_name)[:56] or "imported"
        code, n = base, 1
        while code.lower() in self.types_by_code:
            n += 1
            code = f"{base}-{n}"
        # Inactive until staff look at it: a published category is not yet something residents should pick.
        service_type = ServiceType.objects.create(code=code, name=record.category_name[:120], group=group,
                                                  is_active=False)
        service_type.log_action("catalog.servicetype_created_by_import", data={
            "source_category": record.category_name, "run": self.run.pk if self.run else None})
        self.types_by_code[code.lower()] = service_type
        self.types_by_name[service_type.name.lower()] = service_type
        self.created.append(code)
        return service_type


# --- the run -------------------------------------------------------------------------------------------

@dataclass(slots=True)
class _Parsed:
    record: SourceRecord
    service_type: ServiceType
    lat: float
    long: float
    requested: tuple[int, bool]
    closed: tuple[int, bool] | None
    updated: tuple[int, bool] | None
    expected: tuple[int, bool] | None


class Importer:
    """One import run; see import_file()."""

    def __init__(self, run: ImportRun, *, categories: CategoryMap, jurisdiction: Jurisdiction | None,
                 exclusive: bool = False):
        self.run = run
        self.categories = categories
        chosen = [jurisdiction] if jurisdiction else list(Jurisdiction.objects.filter(is_active=True))
        if not chosen:
            raise ImportFailed(gettext("There is no active jurisdiction to import requests into."))
        self.jurisdictions = {j.pk: j for j in chosen}
        self.locator = Locator(None if jurisdiction is None else chosen)
        self.routes = RouteCache(chosen)
        now = timezone.now().timestamp()
        self.sla = SlaClock(chosen, start=now - 3 * 366 * 86400, end=now + 30 * 86400)
        self.clocks = {j.pk: LocalClock(j.tz) for j in chosen}
        self.statuses = StatusBook.load()
        self.closed_default = self.statuses.first_closed()
        self.status_names = {status.pk: status.name for status in self.statuses.by_code.values()}
        self._statuses: dict[tuple, object] = {}
        self.writer = BulkWriter(skip_fk_checks=exclusive, exclusive=exclusive)
        self.public_ids = _PublicIds(secrets.randbits(64))
        self._latest = 0.0
        self.offered: dict[int, set[int] | None] = {}
        self.languages = {code for code, _name in settings.LANGUAGES}

    def _offered_in(self, service_type: ServiceType) -> set[int] | None:
        key = service_type.id
        if key not in self.offered:
            ids = set(service_type.jurisdictions.values_list("pk", flat=True))
            self.offered[key] = ids or None
        return self.offered[key]

    def process(self, batch: list[SourceRecord], values: dict | None = None) -> _Batch:
        """Check and convert one batch: its rows as columns for BulkWriter.write_columns(), its rejects and
        how many rows it skipped.

        Each row's id and category are checked on its own, in the order that decides which reason a bad
        row is rejected for. Its coordinates and dates are checked for the whole batch at once when the
        reader gives their raw `values` as Arrow arrays (formats.RecordBatch.values): a row whose values are
        all in the published shape is taken from those arrays, any other row is checked by the per-row
        code, which gives the same result or the exact reason. What follows is done for the whole batch at
        once with numpy: local times to instants, the status's consequences, routing and SLA due times
        (once per distinct case), and the columns themselves.
        """
        rejects: list[tuple] = []
        parsed: list[_Parsed] = []
        self._latest = timezone.now().timestamp() + 86400  # a day of slack for clocks and time zones
        seen: dict[str, int] = {}
        checked = _checked_values(values, len(batch)) if values is not None else None
        for n, record in enumerate(batch):
            try:
                service_type = self._check(record, seen)
                if checked is not None and checked.ok[n]:
                    parsed.append(checked.parsed(n, record, service_type))
                else:
                    parsed.append(self._values(record, service_type))
            except _Reject as exc:
                rejects.append((record.row, record.source_id, str(exc), record.raw))
        # Already imported? By an earlier run: skip. By this run: the id is repeated in the file.
        known = self.writer.imported(self.run.source, [p.record.source_id for p in parsed])
        earlier_rows = {sid: row for sid, (run_id, row) in known.items() if run_id == self.run.id}
        fresh, skipped = [], 0
        for p in parsed:
            sid = p.record.source_id
            if sid in earlier_rows:
                rejects.append((p.record.row, sid, gettext("the id %(id)s appeared earlier in this file (row %(row)d)")
                                % {"id": sid, "row": earlier_rows[sid]}, p.record.raw))
            elif sid in known:
                skipped += 1
            else:
                fresh.append(p)
        located = self.locator.locate_many([p.lat for p in fresh], [p.long for p in fresh])
        placed, jurisdiction_ids, district_ids = [], [], []
        for p, (jurisdiction_id, district_id) in zip(fresh, located):
            if jurisdiction_id is None:
                reason = (gettext("the point %(lat)s, %(long)s is outside %(name)s")
                          % {"lat": p.lat, "long": p.long, "name": next(iter(self.jurisdictions.values())).name}
                          if not self.locator.all_active else
                          gettext("the point %(lat)s, %(long)s is outside every jurisdiction")
                          % {"lat": p.lat, "long": p.long})
                rejects.append((p.record.row, p.record.source_id, reason, p.record.raw))
                continue
            offered = self._offered_in(p.service_type)
            if offered is not None and jurisdiction_id not in offered:
                rejects.append((p.record.row, p.record.source_id,
                                gettext("%(service)s is not handled by %(place)s")
                                % {"service": p.service_type.name, "place": self.jurisdictions[jurisdiction_id].name},
                                p.record.raw))
                continue
            placed.append(p)
            jurisdiction_ids.append(jurisdiction_id)
            district_ids.append(district_id)
        result = self._rows(*self._times(placed, jurisdiction_ids, district_ids, rejects))
        rejects.sort(key=lambda r: r[0])
        result.rejects, result.skipped = rejects, skipped
        return result

    def _check(self, record: SourceRecord, seen: dict[str, int]) -> ServiceType:
        """The row's service type, after checking its shape, id (not repeated within `seen`, which it joins)
        and category; raises _Reject."""
        if record.extra.get("problem"):
            raise _Reject(record.extra["problem"])
        sid = record.source_id
        if not sid:
            raise _Reject(gettext("the request has no id"))
        if len(sid) > 120:
            raise _Reject(gettext("the id is longer than 120 characters"))
        if sid in seen:
            raise _Reject(gettext("the id %(id)s appeared earlier in this file (row %(row)d)")
                          % {"id": sid, "row": seen[sid]})
        seen[sid] = record.row
        if not record.categories:
            raise _Reject(gettext("the request has no category"))
        service_type = self.categories.resolve(record)
        if service_type is None:
            raise _Reject(gettext("no service type matches the category “%(category)s” (add it to the mapping file, "
                                  "or import with --create-types)") % {"category": record.categories[0]})
        return service_type

    def _values(self, record: SourceRecord, service_type: ServiceType) -> _Parsed:
        """The row's coordinates and dates read from its text; raises _Reject."""
        lat_text, long_text = record.lat.strip(), record.long.strip()
        if not lat_text or not long_text:
            raise _Reject(gettext("the request has no coordinates"))
        lat = _number(lat_text, _LATITUDE, 90)
        long = _number(long_text, _LONGITUDE, 180)
        if lat == 0 and long == 0:
            raise _Reject(gettext("the coordinates 0, 0 are a placeholder, not a place"))
        when = []
        for text, label in zip((record.requested, record.closed, record.updated, record.expected), _DATE_LABELS):
            try:
                when.append(parse_when(text) if text else None)
            except ValueError:
                # The label is lazy: translated only for a row that is rejected.
                raise _Reject(gettext("the %(label)s “%(value)s” is not a date") % {"label": label, "value": text}) \
                    from None
        if when[0] is None:
            raise _Reject(gettext("the request has no creation date"))
        return _Parsed(record, service_type, lat, long, *when)

    def _times(self, placed: list[_Parsed], jurisdiction_ids: list[int], district_ids: list[int | None],
               rejects: list[tuple]) -> tuple:
        """The placed rows' dates as instants (int64 epoch seconds, NO_TIME for none), local wall-clock times
        read in their jurisdiction's zone; rows created in the future or closed before they were created go
        to `rejects`. Returns (rows kept, their jurisdiction ids, district ids, requested, closed, updated,
        expected)."""
        jurisdictions = np.array(jurisdiction_ids, dtype=np.int64)
        instants = []
        for name in ("requested", "closed", "updated", "expected"):
            values = [getattr(p, name) for p in placed]
            seconds = np.array([NO_TIME if value is None else value[0] for value in values], dtype=np.int64)
            local = np.array([value is not None and not value[1] for value in values], dtype=bool)
            for jurisdiction_id in np.unique(jurisdictions[local]).tolist():
                rows = np.flatnonzero(local & (jurisdictions == jurisdiction_id))
                seconds[rows] = self.clocks[jurisdiction_id].epoch_many(seconds[rows])
            instants.append(seconds)
        requested, closed = instants[0], instants[1]
        future = requested > self._latest
        backwards = ~future & (closed != NO_TIME) & (closed < requested)
        if future.any() or backwards.any():
            in_future, closed_early = gettext("the creation date is in the future"), \
                gettext("the closing date is before the creation date")
            for n in np.flatnonzero(future | backwards).tolist():
                record = placed[n].record
                rejects.append((record.row, record.source_id, in_future if future[n] else closed_early, record.raw))
            keep = np.flatnonzero(~(future | backwards))
            placed = [placed[n] for n in keep.tolist()]
            jurisdictions = jurisdictions[keep]
            district_ids = [district_ids[n] for n in keep.tolist()]
            instants = [values[keep] for values in instants]
        return (placed, jurisdictions, district_ids, *instants)

    def _status(self, record: SourceRecord, closed: bool):
        key = (record.status, record.duplicate, closed)
        status = self._statuses.get(key)
        if status is None:
            status = self._statuses[key] = self._status_for(record, closed)
        return status

    def _status_for(self, record: SourceRecord, closed: bool):
        """The status a published status word (and duplicate flag, and whether there is a closing date)
        means here."""
        word = record.status.strip().lower()
        book = self.statuses
        if word in CLOSED_STATUSES or (word not in OPEN_STATUSES and closed):
            code = "duplicate" if record.duplicate else CLOSED_STATUSES.get(word, "")
            status = book.by_code.get(code) if code else None
            if status is None or status.is_open:
                status = self.closed_default
            if status is not None:
                return status
        code = OPEN_STATUSES.get(word, "")
        status = book.by_code.get(code) if code else None
        return status if status is not None and status.is_open else book.initial

    def _rows(self, placed: list[_Parsed], jurisdictions: np.ndarray, district_ids: list[int | None],
              requested: np.ndarray, closed: np.ndarray, updated: np.ndarray, expected: np.ndarray) -> _Batch:
        """The columns of the requests, their timeline entries and imported ids (see _Batch)."""
        count = len(placed)
        batch = _Batch(count=count)
        if not count:
            return batch
        writer = self.writer
        ids = writer.new_ids(ServiceRequest, count)
        public_ids = self.public_ids.next_many(count).tolist()
        taken = writer.existing_public_ids(public_ids)
        while taken:
            positions = [n for n, public_id in enumerate(public_ids) if public_id in taken]
            for n, public_id in zip(positions, self.public_ids.next_many(len(positions)).tolist()):
                public_ids[n] = public_id
            taken = writer.existing_public_ids([public_ids[n] for n in positions])
        records = [p.record for p in placed]
        types = [p.service_type for p in placed]
        status_of = self._status
        statuses = [status_of(record, has_closed) for record, has_closed in zip(records, (closed != NO_TIME).tolist())]
        status_ids = np.array([status.id for status in statuses], dtype=np.int64)
        open_ids = {status.id: status.is_open for status in self.statuses.by_code.values()}
        is_open = [open_ids[status.id] for status in statuses]
        opened = np.array(is_open, dtype=bool)
        # Open: no closing date. Closed without one: closed when last updated (never before it was created).
        updated_or_requested = np.where((updated == NO_TIME) | (updated == 0), requested, updated)
        closed = np.where(opened, NO_TIME, np.where(closed == NO_TIME, np.maximum(updated_or_requested, requested),
                                                    closed))
        last = np.maximum(requested, np.maximum(closed, updated))  # NO_TIME is below every instant
        lats = np.array([p.lat for p in placed], dtype=float)
        longs = np.array([p.long for p in placed], dtype=float)
        distinct: dict[int, ServiceType] = {}
        for service_type in types:
            distinct.setdefault(service_type.id, service_type)
        position = {type_id: n for n, type_id in enumerate(distinct)}
        type_index = np.array([position[service_type.id] for service_type in types], dtype=np.int64)
        decisions, chosen = self.routes.decide_many(jurisdictions, list(distinct.values()), type_index,
                                                    np.array(district_ids, dtype=object), lats, longs)
        chosen = chosen.tolist()
        hours = np.array([0.0 if due_given else float(service_type.sla_hours or 0)
                          for service_type, due_given in zip(types, (expected != NO_TIME).tolist())])
        due = np.where(expected != NO_TIME, expected, self.sla.due_many(jurisdictions, requested, hours))
        languages = self.languages
        batch.requests = {
            "id": ids, "public_id": public_ids, "jurisdiction_id": jurisdictions.tolist(),
            "service_type_id": [service_type.id for service_type in types], "status_id": status_ids.tolist(),
            "is_open": is_open, "priority": [service_type.default_priority for service_type in types],
            "description": [record.description[:5000] for record in records], "attributes": ["{}"] * count,
            "lat": lats.tolist(), "long": longs.tolist(), "address": [record.address[:255] for record in records],
            "address_id": [record.address_id[:64] for record in records], "district_id": list(district_ids),
            "channel": [record.channel or "web" for record in records], "reporter_id": [None] * count,
            "contact_name": [""] * count, "contact_email": [""] * count, "contact_phone": [""] * count,
            "language": [record.language if record.language in languages else "en" for record in records],
            "device_id": [""] * count, "client_name": [""] * count,
            "department_id": [decisions[n].department_id for n in chosen],
            "team_id": [decisions[n].team_id for n in chosen],
            "assignee_id": [decisions[n].assignee_id for n in chosen],
            "routing_rule_id": [decisions[n].rule_id for n in chosen],
            "routing_note": [decisions[n].note for n in chosen],
            "requested_at": requested, "updated_at": last, "expected_at": due, "closed_at": closed,
            "duplicate_of_id": [None] * count, "supporters_count": [0] * count,
            "is_private": [service_type.is_private for service_type in types],
            "media_url": [record.media_url[:500] if record.media_url.startswith(("http://", "https://")) else ""
                          for record in records],
        }
        batch.imported = {"source": [self.run.source] * count, "source_id": [record.source_id for record in records],
                          "request_id": ids, "run_id": [self.run.id] * count, "row": [record.row for record in records]}
        batch.entries = self._entries(np.array(ids, dtype=np.int64), records, status_ids, requested, closed, last)
        batch.entry_count = len(batch.entries["id"])
        return batch

    def _entries(self, ids: np.ndarray, records: list[SourceRecord], status_ids: np.ndarray, requested: np.ndarray,
                 closed: np.ndarray, last: np.ndarray) -> dict[str, list]:
        """Timeline columns: each request's "submitted" entry, followed by a status entry when its status is not
        the initial one (closed: the closing entry, with the source's resolution text; open but further along,
        such as assigned or in progress: one entry for the move, when the source last changed it)."""
        initial_id = self.statuses.initial.id
        moved = status_ids != initial_id
        count = len(ids) + int(moved.sum())
        submitted = np.arange(len(ids)) + np.concatenate(([0], np.cumsum(moved)[:-1])).astype(np.int64)
        changes = submitted[moved] + 1
        names = self.status_names
        columns = {
            "id": np.array(self.writer.new_ids(TimelineEntry, count), dtype=np.int64),
            "request_id": np.empty(count, dtype=np.int64),
            "kind": np.full(count, str(TimelineEntry.Kind.SUBMITTED.value), dtype=object),
            "is_public": np.full(count, True, dtype=object),
            "message": np.full(count, gettext("Imported from %(source)s.") % {"source": self.run.source},
                               dtype=object),
            "author_id": np.full(count, None, dtype=object),
            "status_from_id": np.full(count, None, dtype=object),
            "status_to_id": np.full(count, initial_id, dtype=object),
            "data": np.full(count, "{}", dtype=object),
            "created_at": np.empty(count, dtype=np.int64),
        }
        columns["request_id"][submitted] = ids
        columns["request_id"][changes] = ids[moved]
        columns["kind"][changes] = str(TimelineEntry.Kind.STATUS.value)
        notes = [records[n].status_notes[:5000] for n in np.flatnonzero(moved).tolist()]
        columns["message"][changes] = np.array([note or names[status_id] for note, status_id in
                                                zip(notes, status_ids[moved].tolist())], dtype=object)
        columns["status_from_id"][changes] = initial_id
        columns["status_to_id"][changes] = status_ids[moved].tolist()
        columns["created_at"][submitted] = requested
        columns["created_at"][changes] = np.where(closed != NO_TIME, closed, last)[moved]
        return {name: values if name == "created_at" else values.tolist() for name, values in columns.items()}


@dataclass(slots=True)
class _Batch:
    """One processed batch: the columns BulkWriter.write_columns() takes (requests, timeline entries, imported
    ids; instants as int64 epoch seconds), how many rows each holds, the rejects as (row, source id, reason,
    original text) and how many rows were skipped as imported before."""

    count: int
    requests: dict = field(default_factory=dict)
    entries: dict = field(default_factory=dict)
    imported: dict = field(default_factory=dict)
    entry_count: int = 0
    rejects: list[tuple] = field(default_factory=list)
    skipped: int = 0


def start_run(path: Path, *, fmt: str, source: str, jurisdiction: Jurisdiction | None, options: dict,
              reject_path: Path, resume: bool) -> tuple[ImportRun, bool]:
    """The run to use: the last unfinished one for this file with `resume` (checked to be the same file),
    else a new one. Returns (run, resumed). Raises ImportFailed when resuming is impossible."""
    size, digest = fingerprint(path)
    if resume:
        run = (ImportRun.objects.filter(path=str(path), format=fmt).exclude(state=ImportRun.State.FINISHED)
               .order_by("-started_at", "-id").first())
        if run is None:
            raise ImportFailed(gettext("There is no unfinished import of %(path)s as %(format)s to resume.")
                               % {"path": path, "format": fmt})
        if (run.size, run.fingerprint) != (size, digest):
            raise ImportFailed(gettext("%(path)s has changed since the import started (size or content differ), so "
                                       "it cannot be resumed. Import it again without --resume: rows already "
                                       "imported are skipped.") % {"path": path})
        run.state = ImportRun.State.RUNNING
        run.save(update_fields=["state"])
        run.log_action("datasets.import_resumed", data={"offset": run.offset, "rows_read": run.rows_read})
        return run, True
    run = ImportRun.objects.create(path=str(path), size=size, fingerprint=digest, format=fmt, source=source,
                                   jurisdiction=jurisdiction, options=options, reject_path=str(reject_path))
    run.log_action("datasets.import_started", data={"path": str(path), "format": fmt, "source": source,
                                                    "options": options})
    return run, False


def import_file(path: str | Path, *, fmt: str, source: str = "", jurisdiction: Jurisdiction | None = None,
                create_types: bool = False, mapping_path: str | Path | None = None,
                reject_path: str | Path | None = None, resume: bool = False, batch: int = 5000,
                max_batches: int | None = None, rebuild_indexes: bool = False,
                on_batch: Callable[[ImportRun], None] | None = None) -> ImportSummary:
    """Import the 311 file at `path` in format `fmt` ("nyc", "chicago" or "open311").

    Each batch of `batch` rows is one transaction (requests, timeline,
    imported ids, run progress). Rows already imported from `source`
    (default: the format's name) are skipped; bad rows go to the reject file
    (default: FILE.rejects.csv) with the reason. `max_batches` stops after
    that many committed batches, leaving the run resumable. With
    `rebuild_indexes` the request and timeline tables' secondary indexes are
    dropped for the run and built again after it, and the foreign keys are not
    checked (SQLite; PostgreSQL as a superuser): only for a database nobody
    else uses meanwhile (see bulk.secondary_indexes_dropped), refused with
    ExclusiveLoadRefused while other clients are connected. Returns the
    summary of this invocation. Raises ImportFailed or SourceFileError before
    anything is written when the options or the file are unusable.
    """
    path = Path(path).resolve()
    if fmt not in formats.FORMATS:
        raise ImportFailed(gettext("Unknown format %(format)s; use one of %(formats)s.")
                           % {"format": fmt, "formats": ", ".join(formats.FORMATS)})
    if not path.is_file():
        raise ImportFailed(gettext("There is no file at %(path)s.") % {"path": path})
    source = (source or fmt)[:40]
    restore_dropped_indexes()  # left dropped by an interrupted exclusive load
    if rebuild_indexes:
        ensure_exclusive()
    if resume and not mapping_path:
        # A resumed run keeps the choices it started with unless new ones are given.
        last = (ImportRun.objects.filter(path=str(path), format=fmt).exclude(state=ImportRun.State.FINISHED)
                .order_by("-started_at", "-id").first())
        if last is not None:
            mapping_path = last.options.get("mapping") or None
            create_types = create_types or bool(last.options.get("create_types"))
    mapping = CategoryMap.read_mapping(Path(mapping_path)) if mapping_path else {}
    reject_file = Path(reject_path) if reject_path else path.with_name(path.name + ".rejects.csv")
    with path.open("rb") as handle:
        header, header_end = formats.read_header(handle, fmt)
    options = {"create_types": create_types, "mapping": str(Path(mapping_path).resolve()) if mapping_path else "",
               "batch": batch}
    with transaction.atomic():  # the run is recorded only once everything it needs is in hand
        run, resumed = start_run(path, fmt=fmt, source=source, jurisdiction=jurisdiction, options=options,
                                 reject_path=reject_file, resume=resume)
        if resumed:
            reject_file = Path(run.reject_path)
            if run.jurisdiction_id and jurisdiction is None:
                jurisdiction = run.jurisdiction
        else:
            run.header = header
            run.offset = header_end
            run.save(update_fields=["header", "offset"])
        importer = Importer(run, categories=CategoryMap(mapping=mapping, create=create_types, run=run),
                            jurisdiction=jurisdiction, exclusive=rebuild_indexes)
        rejects_out = _open_rejects(reject_file, run.reject_offset)
    summary = ImportSummary(run)
    try:
        with path.open("rb") as handle, collecting_between_batches() as collect, \
                secondary_indexes_dropped() if rebuild_indexes else contextlib.nullcontext(), \
                foreign_keys_unchecked(importer.writer) if rebuild_indexes else contextlib.nullcontext():
            batches_read = formats.read_batches(handle, fmt, run.header, run.offset, run.rows_read + 1, batch)
            done = False
            batches = 0
            while not done:
                read = next(batches_read, None)
                done = read is None or len(read.records) < batch
                if read is not None:
                    _commit(importer, run, read, rejects_out, summary)
                    collect()
                    batches += 1
                    if on_batch:
                        on_batch(run)
                if not done and max_batches is not None and batches >= max_batches:
                    run.state = ImportRun.State.STOPPED
                    run.save(update_fields=["state"])
                    break
            else:
                run.state = ImportRun.State.FINISHED
                run.finished_at = timezone.now()
                run.save(update_fields=["state", "finished_at"])
                run.log_action("datasets.import_finished", data={
                    "rows_read": run.rows_read, "rows_loaded": run.rows_loaded, "rows_skipped": run.rows_skipped,
                    "rows_rejected": run.rows_rejected, "created_types": importer.categories.created})
                summary.finished = True
    finally:
        rejects_out.close()
    summary.created_types = importer.categories.created
    return summary


def _open_rejects(path: Path, committed: int):
    """The reject file, cut back to what committed batches wrote (a crash may have left more)."""
    try:
        handle = path.open("a+b")
    except OSError as exc:
        raise ImportFailed(gettext("Cannot write the reject file %(path)s: %(error)s. Name another place with "
                                   "--rejects.") % {"path": path, "error": exc.strerror}) from None
    handle.truncate(committed)
    handle.seek(committed)
    if committed == 0:
        handle.write(_csv_line(REJECT_HEADER))
    return handle


def _csv_line(values: list) -> bytes:
    out = _LineBuffer()
    csv.writer(out, lineterminator="\n").writerow(values)
    return out.text.encode("utf-8")


class _LineBuffer:
    text = ""

    def write(self, value: str) -> None:
        self.text += value


def _commit(importer: Importer, run: ImportRun, read: formats.RecordBatch, rejects_out,
            summary: ImportSummary) -> None:
    chunk, end = read.records, read.end
    with transaction.atomic():
        importer.writer.begin_batch()
        batch = importer.process(chunk, read.values)
        rejects, skipped = batch.rejects, batch.skipped
        importer.writer.write_columns(ServiceRequest, batch.requests, batch.count)
        importer.writer.write_columns(TimelineEntry, batch.entries, batch.entry_count)
        importer.writer.write_columns(ImportedRequest, batch.imported, batch.count)
        for reject in rejects:
            rejects_out.write(_csv_line(list(reject)))
        rejects_out.flush()
        run.offset = end
        run.rows_read += len(chunk)
        run.rows_loaded += batch.count
        run.rows_skipped += skipped
        run.rows_rejected += len(rejects)
        run.batches += 1
        run.reject_offset = rejects_out.tell()
        run.updated_at = timezone.now()
        run.save(update_fields=["offset", "rows_read", "rows_loaded", "rows_skipped", "rows_rejected", "batches",
                                "reject_offset", "updated_at"])
    summary.read += len(chunk)
    summary.loaded += batch.count
    summary.skipped += skipped
    summary.rejected += len(rejects)

