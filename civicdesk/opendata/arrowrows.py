"""Public requests read straight into Apache Arrow record batches: the fast path of the requests export.

`request_record_batches()` gives the same rows as `builtin.request_rows()` (the reference, still used by the
API), column for column, but builds them a batch of tens of thousands at a time with Arrow's vectorised
kernels instead of a Python tuple per row. The privacy rules stay the model's own: the database query is
`ServiceRequest.objects.public()`, and every row a rule could change goes through the model's methods
(`public_description()` for each description that may hold an email address or a phone number,
`public_point()` and `public_address()` for each request of a sensitive type); the rows no rule touches
are passed through unchanged, which is what those methods would return for them. `test_arrowrows.py`
checks the two paths give the same rows.

The batches are in "text form": datetime columns hold their final ISO 8601 text ("2026-03-02T14:05:09Z",
microseconds only when not zero, as `datetime.isoformat()` writes them); the other columns are typed.
"""

from __future__ import annotations

from collections.abc import Iterator

import pyarrow as pa
import pyarrow.compute as pc
from django.conf import settings
from django.db import connection
from django.db.models import Func, Min, TextField
from django.urls import reverse

from civicdesk.servicerequests.models import Attachment

from .builtin import REQUEST_COLUMNS, PublicRequest, Related, public_requests

#: Rows read from the database per query (a batch of 20,000 rows takes a few MB).
BATCH_SIZE = 20_000

#: Texts that may hold an email address or a phone number: a phone number needs a digit (phonenumbers'
#: matcher reads only decimal digits), an email address an "@" or a bracketed "at" (lib.contact_details).
#: Only these go through `public_description()`; for any other text it returns the text unchanged.
MAY_HOLD_CONTACT_DETAILS = r"(?s)\p{Nd}|@|[\[(].?(?i:at)"

#: A datetime as exported: "YYYY-MM-DDTHH:MM:SS" with ".ffffff" when the microseconds are not zero, then "Z".
ISO_DATETIME = r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?Z$"


class UtcText(Func):
    """A datetime column as UTC text "YYYY-MM-DD HH:MM:SS[.ffffff]", formatted by the database (a Python
    datetime per cell would cost more than the rest of the row)."""

    output_field = TextField()

    def as_sqlite(self, compiler, connection, **extra):
        # Django stores datetimes in SQLite as this very text, in UTC; the CAST keeps sqlite3 from parsing it.
        return super().as_sql(compiler, connection, template="CAST(%(expressions)s AS TEXT)", **extra)

    def as_postgresql(self, compiler, connection, **extra):
        return super().as_sql(
            compiler, connection,
            template="to_char(%(expressions)s AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')", **extra)

    def as_sql(self, compiler, connection, **extra):
        raise NotImplementedError(f"the open-data export does not support {connection.vendor}")


DATETIMES = {"requested_datetime": "requested_at", "updated_datetime": "updated_at",
             "expected_datetime": "expected_at", "closed_datetime": "closed_at"}
FIELDS = ("pk", "public_id", "is_open", "status_id", "service_type_id", "description", "jurisdiction_id",
          "department_id", "district_id", *(f"{name}_text" for name in DATETIMES.values()), "address", "lat", "long",
          "channel")


def iso_datetimes(texts: pa.Array) -> pa.Array:
    """UTC texts from UtcText as exported ISO 8601 ("2026-03-02T14:05:09Z"); fails on anything else."""
    texts = pc.replace_substring_regex(texts, r"\.000000$", "")
    texts = pc.binary_join_element_wise(pc.replace_substring(texts, " ", "T", max_replacements=1), "Z", "")
    valid = pc.match_substring_regex(texts.drop_null(), ISO_DATETIME)
    if len(valid) and not pc.all(valid).as_py():
        bad = texts.drop_null().filter(pc.invert(valid))[0].as_py()
        raise ValueError(f"the database returned a time the export cannot read: {bad!r}")
    return texts


class Lookups(Related):
    """Related objects as Arrow arrays: a column of ids becomes a column of their names or codes."""

    def __init__(self):
        super().__init__()
        self.tables: dict[tuple[str, str], tuple[pa.Array, pa.Array]] = {}

    def column(self, kind: str, ids: pa.Array, attribute: str) -> pa.Array:
        """The `attribute` ("code", "name", ...) of each id's object (null for a null id)."""
        known = self.objects[kind]
        missing = [pk for pk in pc.unique(ids.drop_null()).to_pylist() if pk not in known]
        for pk in missing:  # added while the export runs
            self.get(kind, pk)
        key = (kind, attribute)
        if missing or key not in self.tables:
            items = list(known.values())
            if attribute == "name":
                values = [self.name(kind, item) for item in items]
            else:
                values = [getattr(item, attribute) for item in items]
            self.tables[key] = (pa.array([item.pk for item in items], pa.int64()), pa.array(values))
        keys, values = self.tables[key]
        return pc.take(values, pc.index_in(ids, value_set=keys))


def _photo_urls(pks: tuple, public_ids: tuple) -> pa.Array:
    """The URL of each request's first photo shown publicly (hidden photos never), read in one query over the
    batch's id range (a range scan; photos of requests in the range but not in the batch are skipped)."""
    firsts = dict(Attachment.objects.filter(hidden=False, kind=Attachment.Kind.PHOTO, request_id__gte=pks[0],
                                            request_id__lte=pks[-1])
                  .order_by().values("request_id").annotate(first=Min("pk")).values_list("request_id", "first"))
    if not firsts:
        return pa.nulls(len(pks), pa.string())
    # reverse() once: tracking numbers are letters, digits and "-", which a URL carries unchanged.
    template = settings.SITE_URL + reverse("servicerequests:attachment", args=["PUBLICIDSLOT", 987654321])
    before, rest = template.split("PUBLICIDSLOT")
    middle, after = rest.split("987654321")
    return pa.array([None if (photo := firsts.get(pk)) is None else f"{before}{public_id}{middle}{photo}{after}"
                     for pk, public_id in zip(pks, public_ids)], pa.string())


def _masked_descriptions(descriptions: pa.Array, jurisdictions: tuple, departments: tuple,
                         lookups: Lookups) -> pa.Array:
    """`public_description()` of each description: run only on those that may hold contact details."""
    may_hold = pc.fill_null(pc.match_substring_regex(descriptions, MAY_HOLD_CONTACT_DETAILS), False)
    if pc.any(may_hold).as_py():
        masked = []
        for index in pc.indices_nonzero(may_hold).to_pylist():
            item = PublicRequest()
            item.description = descriptions[index].as_py()
            item.jurisdiction = lookups.get("jurisdiction", jurisdictions[index])
            item.department_id = departments[index]
            item.department = lookups.get("department", item.department_id)
            masked.append(item.public_description())
        descriptions = pc.replace_with_mask(descriptions, may_hold, pa.array(masked, pa.string()))
    return _empty_as_null(descriptions)


def _empty_as_null(texts: pa.Array) -> pa.Array:
    return pc.if_else(pc.equal(texts, ""), pa.scalar(None, pa.string()), texts)


def _public_places(sensitive: pa.Array, service_type_ids: tuple, lats: tuple, longs: tuple, addresses: tuple,
                   lookups: Lookups) -> tuple[pa.Array, pa.Array, pa.Array]:
    """(lat, long, address) as the public may see them: `public_point()` and `public_address()` of each
    request of a sensitive type (snapped point, no address); the others unchanged."""
    lat, long, address = pa.array(lats, pa.float64()), pa.array(longs, pa.float64()), pa.array(addresses, pa.string())
    if pc.any(sensitive).as_py():
        points, places = [], []
        for index in pc.indices_nonzero(sensitive).to_pylist():
            item = PublicRequest()
            item.service_type = lookups.get("service_type", service_type_ids[index])
            item.lat, item.long, item.address = lats[index], longs[index], addresses[index]
            points.append(item.public_point())
            places.append(item.public_address())
        lat = pc.replace_with_mask(lat, sensitive, pa.array([point[0] for point in points], pa.float64()))
        long = pc.replace_with_mask(long, sensitive, pa.array([point[1] for point in points], pa.float64()))
        address = pc.replace_with_mask(address, sensitive, pa.array(places, pa.string()))
    return lat, long, _empty_as_null(address)


def _record_batch(rows: list[tuple], lookups: Lookups) -> pa.RecordBatch:
    (pks, public_ids, is_open, status_ids, type_ids, descriptions, jurisdiction_ids, department_ids, district_ids,
     requested, updated, expected, closed, addresses, lats, longs, channels) = zip(*rows)
    types = pa.array(type_ids, pa.int64())
    jurisdictions = pa.array(jurisdiction_ids, pa.int64())
    departments = pa.array(department_ids, pa.int64())
    sensitive = lookups.column("service_type", types, "is_sensitive")
    lat, long, address = _public_places(sensitive, type_ids, lats, longs, addresses, lookups)
    # The department handling it, else the jurisdiction (a name left empty counts as none, as in request_row).
    agency = pc.coalesce(_empty_as_null(lookups.column("department", departments, "name")),
                         lookups.column("jurisdiction", jurisdictions, "name"))
    columns = {
        "service_request_id": pa.array(public_ids, pa.string()),
        "status": pc.if_else(pa.array(is_open).cast(pa.bool_()), "open", "closed"),
        "status_code": lookups.column("status", pa.array(status_ids, pa.int64()), "code"),
        "service_name": lookups.column("service_type", types, "name"),
        "service_code": lookups.column("service_type", types, "code"),
        "description": _masked_descriptions(pa.array(descriptions, pa.string()), jurisdiction_ids, department_ids,
                                            lookups),
        "agency_responsible": agency,
        "jurisdiction_id": lookups.column("jurisdiction", jurisdictions, "open311_id"),
        "district": lookups.column("district", pa.array(district_ids, pa.int64()), "name"),
        "requested_datetime": iso_datetimes(pa.array(requested, pa.string())),
        "updated_datetime": iso_datetimes(pa.array(updated, pa.string())),
        "expected_datetime": iso_datetimes(pa.array(expected, pa.string())),
        "closed_datetime": iso_datetimes(pa.array(closed, pa.string())),
        "address": address, "lat": lat, "long": long,
        "location_snapped": sensitive,
        "channel": pa.array(channels, pa.string()),
        "media_url": _photo_urls(pks, public_ids),
    }
    return pa.RecordBatch.from_arrays([columns[column.name] for column in REQUEST_COLUMNS],
                                      names=[column.name for column in REQUEST_COLUMNS])


def request_record_batches(queryset=None, *, batch_size: int = BATCH_SIZE) -> Iterator[pa.RecordBatch]:
    """Every public request as Arrow record batches in text form, in id order (keyset paging on the primary
    key: one query for the rows and one for their photos per batch; memory holds one batch)."""
    queryset = public_requests() if queryset is None else queryset
    queryset = queryset.annotate(**{f"{name}_text": UtcText(name) for name in DATETIMES.values()})
    lookups = Lookups()
    last = 0
    while True:
        page = queryset.filter(pk__gt=last).order_by("pk").values_list(*FIELDS)[:batch_size]
        sql, params = page.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        if not rows:
            return
        yield _record_batch(rows, lookups)
        last = rows[-1][0]
