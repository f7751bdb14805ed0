"""`manage.py import_addresses FILE.csv`: load or update the address list from a CSV file."""

from __future__ import annotations

import csv
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext, ngettext

from civicdesk.cities import city
from civicdesk.jurisdictions.models import AddressPoint, Jurisdiction
from civicdesk.lib import geo
from civicdesk.lib.text import normalize_address

COLUMNS = ("address_id", "number", "street", "unit", "city", "postcode", "lat", "long")
BATCH_SIZE = 500
#: Rejected rows listed one by one; past this the command only counts them.
MAX_LISTED = 200
_UPDATED_FIELDS = ["jurisdiction", "number", "street", "unit", "city", "postcode", "full_address", "normalized",
                   "lat", "long"]


def _max_length(name: str) -> int:
    return AddressPoint._meta.get_field(name).max_length


class AddressFileError(Exception):
    """The file cannot be imported at all: missing, unreadable, not UTF-8 CSV, or with the wrong header."""


class _RowError(Exception):
    pass


@dataclass
class Rejection:
    line: int
    reason: str


@dataclass
class ImportResult:
    """What an import did. `unplaced` holds the line numbers of points outside every jurisdiction."""

    created: int = 0
    updated: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    unplaced: list[int] = field(default_factory=list)

    @property
    def loaded(self) -> int:
        return self.created + self.updated


def import_addresses(path: str | Path, *, jurisdiction: Jurisdiction | None = None,
                     batch_size: int = BATCH_SIZE) -> ImportResult:
    """Load the address points in the CSV file at `path`, all in one transaction.

    The file is read as a stream. Rows that fail validation are skipped and
    listed in `rejected` with their line number; the others are created, or
    updated when their address_id is already known. Each point gets
    `jurisdiction` when one is given, otherwise the smallest active
    jurisdiction whose boundary holds it (none, and listed in `unplaced`, when
    no boundary does). `full_address` is written by the city pack's
    format_address(). Raises AddressFileError, saving nothing, when the file
    is missing, is not UTF-8 CSV, or its header is not the expected columns.
    """
    path = Path(path)
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        raise AddressFileError(gettext("There is no file at %(path)s.") % {"path": path}) from None
    except OSError as exc:
        raise AddressFileError(gettext("Cannot read %(path)s: %(error)s") % {"path": path, "error": exc.strerror}) \
            from None
    reader = csv.reader(_decoded_lines(handle, path))
    try:
        with handle, transaction.atomic():
            return _load(reader, jurisdiction, batch_size)
    except csv.Error as exc:
        raise AddressFileError(gettext("Line %(line)d of %(path)s is not valid CSV: %(error)s")
                               % {"line": reader.line_num, "path": path, "error": exc}) from None


def _decoded_lines(handle, path: Path) -> Iterator[str]:
    """The file's lines as text, decoded one by one so a bad byte is reported on its own line."""
    for number, raw in enumerate(handle, start=1):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise AddressFileError(gettext(
                "Line %(line)d of %(path)s is not UTF-8 text. Save the file as UTF-8 CSV and try again.")
                % {"line": number, "path": path}) from None
        yield text.removeprefix("\ufeff") if number == 1 else text  # spreadsheets often start with a BOM


def _load(reader, jurisdiction: Jurisdiction | None, batch_size: int) -> ImportResult:
    positions = _header_positions(next(reader, None))
    pack = city()
    areas = None if jurisdiction else geo.AreaIndex(
        Jurisdiction.objects.filter(is_active=True).values_list("id", "boundary"))
    result = ImportResult()
    first_seen: dict[str, int] = {}
    batch: list[AddressPoint] = []
    for values in reader:
        if not any(value.strip() for value in values):
            continue  # a blank line is not an address
        line = reader.line_num
        try:
            point = _parse_row(values, positions, pack)
            if point.address_id in first_seen:
                raise _RowError(gettext("the address_id “%(id)s” was already used on line %(line)d")
                                % {"id": point.address_id, "line": first_seen[point.address_id]})
        except _RowError as exc:
            result.rejected.append(Rejection(line, str(exc)))
            continue
        first_seen[point.address_id] = line
        if jurisdiction is not None:
            point.jurisdiction = jurisdiction
        else:
            hits = areas.containing(point.lat, point.long)
            point.jurisdiction_id = hits[0] if hits else None
            if not hits:
                result.unplaced.append(line)
        batch.append(point)
        if len(batch) >= batch_size:
            _save(batch, result)
            batch = []
    if batch:
        _save(batch, result)
    return result


def _header_positions(header: list[str] | None) -> dict[str, int]:
    """Column name -> position; raises AddressFileError unless the header names exactly COLUMNS."""
    expected = ",".join(COLUMNS)
    if not header:
        raise AddressFileError(gettext("The file is empty. Its first line must be the header %(header)s.")
                               % {"header": expected})
    names = [name.strip().lower() for name in header]
    missing = [name for name in COLUMNS if name not in names]
    unknown = [name for name in names if name not in COLUMNS]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if missing or unknown or repeated:
        problems = []
        if missing:
            problems.append(gettext("missing: %s") % ", ".join(missing))
        if unknown:
            problems.append(gettext("not expected: %s") % ", ".join(unknown))
        if repeated:
            problems.append(gettext("repeated: %s") % ", ".join(repeated))
        raise AddressFileError(gettext("The first line must be the header %(header)s (in any order); this file's "
                                       "header is %(found)s (%(problems)s).")
                               % {"header": expected, "found": ",".join(header), "problems": "; ".join(problems)})
    return {name: names.index(name) for name in COLUMNS}


def _parse_row(values: list[str], positions: dict[str, int], pack) -> AddressPoint:
    """An unsaved AddressPoint from one CSV row; raises _RowError saying in plain words what is wrong."""
    if len(values) != len(positions):
        raise _RowError(gettext("the row has %(found)d fields but the header has %(expected)d")
                        % {"found": len(values), "expected": len(positions)})
    row = {name: values[index].strip() for name, index in positions.items()}
    if not row["address_id"]:
        raise _RowError(gettext("the address_id is empty"))
    if not row["street"]:
        raise _RowError(gettext("the street is missing"))
    for name in ("address_id", "number", "street", "unit", "city", "postcode"):
        limit = _max_length(name)
        if len(row[name]) > limit:
            raise _RowError(gettext("the %(column)s is longer than %(limit)d characters")
                            % {"column": name, "limit": limit})
    lat = _coordinate(row["lat"], gettext("latitude"), 90)
    long = _coordinate(row["long"], gettext("longitude"), 180)
    full_address = pack.format_address(row["number"], row["street"], row["unit"], row["city"], row["postcode"])
    if len(full_address) > _max_length("full_address"):
        raise _RowError(gettext("the whole address is longer than %d characters") % _max_length("full_address"))
    # bulk_create skips AddressPoint.save(), so `normalized` is set here.
    return AddressPoint(address_id=row["address_id"], number=row["number"], street=row["street"],
                        unit=row["unit"], city=row["city"], postcode=row["postcode"], full_address=full_address,
                        normalized=normalize_address(full_address), lat=lat, long=long)


def _coordinate(text: str, label: str, limit: int) -> float:
    if not text:
        raise _RowError(gettext("the %s is missing") % label)
    try:
        value = float(text)
    except ValueError:
        raise _RowError(gettext("the %(label)s “%(value)s” is not a number") % {"label": label, "value": text}) \
            from None
    if not math.isfinite(value) or not -limit <= value <= limit:
        raise _RowError(gettext("the %(label)s %(value)s is outside -%(limit)d to %(limit)d")
                        % {"label": label, "value": text, "limit": limit})
    return value


def _save(batch: list[AddressPoint], result: ImportResult) -> None:
    ids = [point.address_id for point in batch]
    known = AddressPoint.objects.filter(address_id__in=ids).count()
    AddressPoint.objects.bulk_create(batch, update_conflicts=True, unique_fields=["address_id"],
                                     update_fields=_UPDATED_FIELDS)
    result.updated += known
    result.created += len(batch) - known


class Command(BaseCommand):
    help = (
        "Load or update address points from a UTF-8 CSV file whose first line is the header "
        "address_id,number,street,unit,city,postcode,lat,long (any order). address_id is the address list's own "
        "key: a row whose address_id is already loaded updates that address. street, lat and long are required; "
        "lat and long are WGS84 degrees with a dot for decimals. Rows with problems are skipped and listed by line "
        "number; the good rows are saved together in one transaction."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the CSV file to load")
        parser.add_argument("--jurisdiction", metavar="SLUG",
                            help="give every address this jurisdiction instead of finding it from the boundaries")

    def handle(self, *args, file: str, jurisdiction: str | None, **options) -> None:
        target = None
        if jurisdiction:
            target = Jurisdiction.objects.filter(slug=jurisdiction).first()
            if target is None:
                slugs = Jurisdiction.objects.order_by("slug").values_list("slug", flat=True)
                known = ", ".join(slugs) or gettext("none yet")
                raise CommandError(gettext("There is no jurisdiction with the short name “%(slug)s” (known: "
                                           "%(known)s).") % {"slug": jurisdiction, "known": known})
        try:
            result = import_addresses(file, jurisdiction=target)
        except AddressFileError as exc:
            raise CommandError(str(exc)) from exc
        self._report_rejected(result.rejected)
        if result.unplaced:
            shown = ", ".join(str(line) for line in result.unplaced[:20])
            self.stderr.write(ngettext("%(count)d address lies outside every jurisdiction's boundary and was loaded "
                                       "without one (line %(lines)s%(more)s).",
                                       "%(count)d addresses lie outside every jurisdiction's boundary and were "
                                       "loaded without one (lines %(lines)s%(more)s).", len(result.unplaced))
                              % {"count": len(result.unplaced), "lines": shown,
                                 "more": ", …" if len(result.unplaced) > 20 else ""})
        self.stdout.write(ngettext("Loaded %(loaded)d address from %(file)s (%(created)d new, %(updated)d updated); "
                                   "%(rejected)d rows rejected.",
                                   "Loaded %(loaded)d addresses from %(file)s (%(created)d new, %(updated)d updated); "
                                   "%(rejected)d rows rejected.", result.loaded)
                          % {"loaded": result.loaded, "file": file, "created": result.created,
                             "updated": result.updated, "rejected": len(result.rejected)})

    def _report_rejected(self, rejected: list[Rejection]) -> None:
        for rejection in rejected[:MAX_LISTED]:
            self.stderr.write(gettext("line %(line)d rejected: %(reason)s")
                              % {"line": rejection.line, "reason": rejection.reason})
        if len(rejected) > MAX_LISTED:
            self.stderr.write(gettext("… and %d more rejected rows.") % (len(rejected) - MAX_LISTED))
