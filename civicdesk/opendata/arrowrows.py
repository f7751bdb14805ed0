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
from django.db.models import Func, Min, OuterRef, Subquery, TextField
from django.urls import reverse

from civicdesk.jurisdictions.models import AddressPoint
from civicdesk.servicerequests.models import Attachment

from .builtin import NYC_REQUEST_COLUMNS, REQUEST_COLUMNS, PublicRequest, Related, public_requests

#: Rows read from the database per query (a batch of 20,000 rows takes a few MB).
BATCH_SIZE = 20_000

#: Texts that may hold an email address or a phone number: a phone number needs a digit (phonenumbers'
#: matcher reads only decimal digits), an email address an "@" or a bracketed "at" (lib.contact_details).
#: Only these go through `public_description()`; for any other text it returns the text unchanged.
MAY_HOLD_CONTACT_DETAILS = r"(?s)\p{Nd}|@|[\[(].?(?i:at)"


class UtcText(Func):
    """A datetime column as the database writes it in UTC: "YYYY-MM-DD HH:MM:SS" and, when the microseconds are
    not zero, "." and the fraction (PostgreSQL drops its trailing zeros); `iso_datetimes()` makes the rest.
    Text from the database is cheaper than a Python datetime per cell, and on PostgreSQL a cast to text is a
    fifth of the server's cost of to_char()."""

    output_field = TextField()

    def as_sqlite(self, compiler, connection, **extra):
        # Django stores a datetime in SQLite as this very UTC text (six digits of fraction, none when zero); as
        # an expression it is not parsed by sqlite3's converters.
        return super().as_sql(compiler, connection, template="CAST(%(expressions)s AS TEXT)", **extra)

    def as_postgresql(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, template="(%(expressions)s AT TIME ZONE 'UTC')::text", **extra)

    def as_sql(self, compiler, connection, **extra):
        raise NotImplementedError(f"the open-data export does not support {connection.vendor}")


DATETIMES = {"requested_datetime": "requested_at", "updated_datetime": "updated_at",
             "expected_datetime": "expected_at", "closed_datetime": "closed_at"}
#: The columns read, with their Arrow types (rows become Arrow arrays in one call, as structs).
FIELDS = {"pk": pa.int64(), "public_id": pa.string(), "is_open": pa.bool_(), "status_id": pa.int64(),
          "service_type_id": pa.int64(), "description": pa.string(), "jurisdiction_id": pa.int64(),
          "department_id": pa.int64(), "district_id": pa.int64(),
          **{f"{name}_text": pa.string() for name in DATETIMES.values()},
          "address": pa.string(), "lat": pa.float64(), "long": pa.float64(), "channel": pa.string()}
#: The NYC shape also reads the postcode, street and city of the address picked from the address list.
ADDRESS_PARTS = {"address_postcode": "postcode", "address_street": "street", "address_city": "city"}
NYC_FIELDS = {**FIELDS, **{name: pa.string() for name in ADDRESS_PARTS}}

#: NYC's "Open Data Channel Type" for each CivicDesk channel (anything else: UNKNOWN).
NYC_CHANNELS = {"web": "ONLINE", "phone": "PHONE", "api": "MOBILE", "sms": "MOBILE", "email": "OTHER",
                "counter": "OTHER"}


def iso_datetimes(texts: pa.Array) -> pa.Array:
    """UtcText texts as exported: "YYYY-MM-DDTHH:MM:SS[.ffffff]Z", six digits of fraction when there is one, as
    `datetime.isoformat()` writes them. Checked by length (20 or 27 characters): a time stored some other way
    fails the export instead of publishing an odd value."""
    with_fraction = pc.greater(pc.utf8_length(texts), 19)
    texts = pc.if_else(with_fraction, pc.utf8_rpad(texts, width=26, padding="0"), texts)
    texts = pc.binary_join_element_wise(pc.replace_substring(texts, " ", "T", max_replacements=1), "Z", "")
    lengths = pc.utf8_length(texts)
    odd = pc.fill_null(pc.invert(pc.or_(pc.equal(lengths, 20), pc.equal(lengths, 27))), False)
    if pc.any(odd).as_py():
        raise ValueError(f"the database returned a time the export cannot read: {texts.filter(odd)[0].as_py()!r}")
    return texts


class Lookups(Related):
    """Related objects as Arrow arrays: a column of ids becomes a column of their names or codes."""

    def __init__(self):
        super().__init__()
        self.tables: dict[tuple[str, str, int], tuple[pa.Array, pa.Array]] = {}

    def column(self, kind: str, ids: pa.Array, attribute: str) -> pa.Array:
        """The `attribute` ("code", "name", ...) of each id's object (null for a null id)."""
        known = self.objects[kind]
        missing = [pk for pk in pc.unique(ids.drop_null()).to_pylist() if pk not in known]
        for pk in missing:  # added while the export runs
            self.get(kind, pk)
        key = (kind, attribute, len(known))  # objects are only ever added: a new count means a new table
        if key not in self.tables:
            items = list(known.values())
            if attribute == "name":
                values = [self.name(kind, item) for item in items]
            else:
                values = [getattr(item, attribute) for item in items]
            self.tables[key] = (pa.array([item.pk for item in items], pa.int64()), pa.array(values))
        keys, values = self.tables[key]
        return pc.take(values, pc.index_in(ids, value_set=keys))


def _photo_urls(pks: pa.Array, public_ids: pa.Array) -> pa.Array:
    """The URL of each request's first photo shown publicly (hidden photos never), read in one query over the
    batch's id range (a range scan; photos of requests in the range but not in the batch are skipped)."""
    firsts = list(Attachment.objects.filter(hidden=False, kind=Attachment.Kind.PHOTO, request_id__gte=pks[0].as_py(),
                                            request_id__lte=pks[-1].as_py())
                  .order_by().values("request_id").annotate(first=Min("pk")).values_list("request_id", "first"))
    if not firsts:
        return pa.nulls(len(pks), pa.string())
    request_ids, photo_ids = (pa.array(values, pa.int64()) for values in zip(*firsts))
    photos = pc.take(photo_ids, pc.index_in(pks, value_set=request_ids)).cast(pa.string())
    # reverse() once for the tracking numbers a URL carries unchanged (letters, digits, "-"), per row for others.
    template = settings.SITE_URL + reverse("servicerequests:attachment", args=["PUBLICIDSLOT", 987654321])
    before, rest = template.split("PUBLICIDSLOT")
    middle, after = rest.split("987654321")
    urls = pc.binary_join_element_wise(before, public_ids, middle, photos, after, "")
    odd = pc.and_(pc.is_valid(photos), pc.invert(pc.match_substring_regex(public_ids, r"^[A-Za-z0-9-]+$")))
    pairs = pa.StructArray.from_arrays([public_ids, photos], names=["public_id", "photo"])
    return fix_texts(urls, pairs, odd, lambda pair: settings.SITE_URL + reverse(
        "servicerequests:attachment", args=[pair["public_id"], int(pair["photo"])]))


def _masked_descriptions(rows: pa.StructArray, lookups: Lookups) -> pa.Array:
    """`public_description()` of each description: run only on those that may hold contact details."""
    descriptions = rows.field("description")
    may_hold = pc.fill_null(pc.match_substring_regex(descriptions, MAY_HOLD_CONTACT_DETAILS), False)
    if pc.any(may_hold).as_py():
        masked = []
        for values in rows.filter(may_hold).to_pylist():
            item = PublicRequest()
            item.description = values["description"]
            item.jurisdiction = lookups.get("jurisdiction", values["jurisdiction_id"])
            item.department_id = values["department_id"]
            item.department = lookups.get("department", item.department_id)
            masked.append(item.public_description())
        descriptions = pc.replace_with_mask(descriptions, may_hold, pa.array(masked, pa.string()))
    return _empty_as_null(descriptions)


def _empty_as_null(texts: pa.Array) -> pa.Array:
    return pc.if_else(pc.equal(texts, ""), pa.scalar(None, pa.string()), texts)


def _public_places(rows: pa.StructArray, sensitive: pa.Array, lookups: Lookups
                   ) -> tuple[pa.Array, pa.Array, pa.Array]:
    """(lat, long, address) as the public may see them: `public_point()` and `public_address()` of each
    request of a sensitive type (snapped point, no address); the others unchanged."""
    lat, long, address = rows.field("lat"), rows.field("long"), rows.field("address")
    if pc.any(sensitive).as_py():
        points, places = [], []
        for values in rows.filter(sensitive).to_pylist():
            item = PublicRequest()
            item.service_type = lookups.get("service_type", values["service_type_id"])
            item.lat, item.long, item.address = values["lat"], values["long"], values["address"]
            points.append(item.public_point())
            places.append(item.public_address())
        lat = pc.replace_with_mask(lat, sensitive, pa.array([point[0] for point in points], pa.float64()))
        long = pc.replace_with_mask(long, sensitive, pa.array([point[1] for point in points], pa.float64()))
        address = pc.replace_with_mask(address, sensitive, pa.array(places, pa.string()))
    return lat, long, _empty_as_null(address)


def _public_columns(rows: pa.StructArray, lookups: Lookups) -> dict[str, pa.Array]:
    """What both shapes publish of each request, under the Open311 names of REQUEST_COLUMNS."""
    types, jurisdictions = rows.field("service_type_id"), rows.field("jurisdiction_id")
    sensitive = lookups.column("service_type", types, "is_sensitive")
    lat, long, address = _public_places(rows, sensitive, lookups)
    # The department handling it, else the jurisdiction (a name left empty counts as none, as in request_row).
    agency = pc.coalesce(_empty_as_null(lookups.column("department", rows.field("department_id"), "name")),
                         lookups.column("jurisdiction", jurisdictions, "name"))
    return {
        "service_request_id": rows.field("public_id"),
        "status": pc.if_else(rows.field("is_open"), "open", "closed"),
        "status_code": lookups.column("status", rows.field("status_id"), "code"),
        "service_name": lookups.column("service_type", types, "name"),
        "service_code": lookups.column("service_type", types, "code"),
        "description": _masked_descriptions(rows, lookups),
        "agency_responsible": agency,
        "jurisdiction_id": lookups.column("jurisdiction", jurisdictions, "open311_id"),
        "district": lookups.column("district", rows.field("district_id"), "name"),
        **{column: iso_datetimes(rows.field(f"{field}_text")) for column, field in DATETIMES.items()},
        "address": address, "lat": lat, "long": long,
        "location_snapped": sensitive,
        "channel": rows.field("channel"),
        "media_url": _photo_urls(rows.field("pk"), rows.field("public_id")),
    }


def _open311_batch(rows: pa.StructArray, lookups: Lookups) -> pa.RecordBatch:
    columns = _public_columns(rows, lookups)
    return pa.RecordBatch.from_arrays([columns[column.name] for column in REQUEST_COLUMNS],
                                      names=[column.name for column in REQUEST_COLUMNS])


def _nyc_batch(rows: pa.StructArray, lookups: Lookups) -> pa.RecordBatch:
    """The NYC 311 shape: each column from the public field that means the same, the rest empty."""
    public = _public_columns(rows, lookups)
    sensitive = public["location_snapped"]
    # The address list's postcode, street and city say where the address is: blank, like it, when snapped.
    parts = {name: pc.if_else(sensitive, pa.scalar(None, pa.string()), _empty_as_null(rows.field(name)))
             for name in ADDRESS_PARTS}
    agency_code = pc.coalesce(_empty_as_null(lookups.column("department", rows.field("department_id"), "slug")),
                              lookups.column("jurisdiction", rows.field("jurisdiction_id"), "slug"))
    float_text = float_texts(public["lat"], repr), float_texts(public["long"], repr)
    channel_keys = pa.array(list(NYC_CHANNELS))
    channels = pc.fill_null(pc.take(pa.array(list(NYC_CHANNELS.values())),
                                    pc.index_in(public["channel"], value_set=channel_keys)), "UNKNOWN")
    columns = {
        "Unique Key": public["service_request_id"],
        "Created Date": public["requested_datetime"],
        "Closed Date": public["closed_datetime"],
        "Agency": agency_code,
        "Agency Name": public["agency_responsible"],
        "Complaint Type": public["service_name"],
        "Incident Zip": parts["address_postcode"],
        "Incident Address": public["address"],
        "Street Name": parts["address_street"],
        "Address Type": pc.if_else(pc.is_null(public["address"]), "LATLONG", "ADDRESS"),
        "City": parts["address_city"],
        "Status": lookups.column("status", rows.field("status_id"), "name"),
        "Due Date": public["expected_datetime"],
        "Resolution Action Updated Date": public["updated_datetime"],
        "Community Board": public["district"],
        "Borough": lookups.column("jurisdiction", rows.field("jurisdiction_id"), "name"),
        "Open Data Channel Type": channels,
        "Latitude": public["lat"],
        "Longitude": public["long"],
        "Location": pc.binary_join_element_wise("(", float_text[0], ", ", float_text[1], ")", ""),
    }
    types = {"text": pa.string(), "integer": pa.int64(), "datetime": pa.string()}
    arrays = [columns[column.name] if column.name in columns else pa.nulls(len(rows), types[column.type])
              for column in NYC_REQUEST_COLUMNS]
    return pa.RecordBatch.from_arrays(arrays, names=[column.name for column in NYC_REQUEST_COLUMNS])


def float_texts(values: pa.Array, func) -> pa.Array:
    """Floats as Python's repr() writes them: Arrow's text agrees except for whole, tiny, huge and non-finite
    numbers, which `func` (repr, json.dumps) writes (test_arrowrows checks both against the csv/json modules)."""
    texts = values.cast(pa.string())
    size = pc.abs(values)
    odd = pc.or_kleene(pc.or_kleene(pc.equal(pc.floor(values), values), pc.less(size, 1e-4)),
                       pc.or_kleene(pc.greater_equal(size, 1e5), pc.invert(pc.is_finite(values))))
    return fix_texts(texts, values, odd, func)


def fix_texts(texts: pa.Array, values: pa.Array, needs: pa.Array, func) -> pa.Array:
    """`texts` with the cells where `needs` is true replaced by func(value), computed in Python (the rare cells
    the vectorised kernels cannot write exactly)."""
    needs = pc.fill_null(needs, False)
    if not pc.any(needs).as_py():
        return texts
    fixed = [func(value) for value in values.filter(needs).to_pylist()]
    return pc.replace_with_mask(texts, needs, pa.array(fixed, pa.string()))


def request_record_batches(queryset=None, *, batch_size: int = BATCH_SIZE, shape: str = "open311"
                           ) -> Iterator[pa.RecordBatch]:
    """Every public request as Arrow record batches in text form, in id order (keyset paging on the primary
    key: one query for the rows and one for their photos per batch; memory holds one batch). `shape` is
    "open311" (REQUEST_COLUMNS) or "nyc" (NYC_REQUEST_COLUMNS)."""
    queryset = public_requests() if queryset is None else queryset
    queryset = queryset.annotate(**{f"{name}_text": UtcText(name) for name in DATETIMES.values()})
    fields, make_batch = FIELDS, _open311_batch
    if shape == "nyc":
        points = AddressPoint.objects.filter(address_id=OuterRef("address_id"))
        queryset = queryset.annotate(**{name: Subquery(points.values(part)[:1])
                                        for name, part in ADDRESS_PARTS.items()})
        fields, make_batch = NYC_FIELDS, _nyc_batch
    row_type = pa.struct(list(fields.items()))
    lookups = Lookups()
    last = 0
    while True:
        page = queryset.filter(pk__gt=last).order_by("pk").values_list(*fields)[:batch_size]
        sql, params = page.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        if not rows:
            return
        yield make_batch(pa.array(rows, row_type), lookups)
        last = rows[-1][0]
