"""The datasets CivicDesk publishes by itself: requests, service types and daily counts, and those higher apps
add with `register_dataset()` (the permit register, from the applications app).

Each dataset names its columns once (`Column`: the data dictionary, the CSV header, the JSON keys and the
Parquet schema all come from it) and yields its rows in that order, in keyset batches, so an export of
millions of rows holds one batch in memory: the requests as Apache Arrow record batches (`arrowrows`, the
export's fast path), the small datasets as tuples. `request_rows()` builds request rows one by one as
tuples: the API's pages use it, and it is the reference the fast path is tested against. Only what the public may see is ever read:
public requests (`ServiceRequest.objects.public()`), masked descriptions (`public_description()`),
snapped points and no address for sensitive types (`public_point()`, `public_address()`), visible photos
only, no contact field, no reporter, no timeline text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from civicdesk.catalog.models import ServiceType
from civicdesk.datasets.formats import NYC_COLUMNS, OPEN311_REQUEST_FIELDS
from civicdesk.servicerequests.models import Attachment, ServiceRequest

#: Rows read from the database per query.
BATCH_SIZE = 2000


@dataclass(frozen=True)
class Column:
    """One column of a dataset: its name (CSV header, JSON key), type, meaning and an example value.

    `type` is one of text, integer, number (a float), boolean, datetime (UTC, ISO 8601 with "Z"), date.
    """

    name: str
    type: str
    meaning: Any
    example: str
    nullable: bool = True


def _open311(name: str) -> str:
    """A column named after an Open311 GeoReport v2 request field (checked, so a typo fails at import)."""
    if name not in OPEN311_REQUEST_FIELDS:
        raise ValueError(f"{name} is not an Open311 request field")
    return name


REQUEST_COLUMNS = (
    Column(_open311("service_request_id"), "text", _("Tracking number of the request (unique)."), "7KQ4-M2XD",
           nullable=False),
    Column(_open311("status"), "text", _("open or closed (Open311)."), "closed", nullable=False),
    Column("status_code", "text", _("The city's own status: submitted, acknowledged, in_progress, fixed, "
                                    "duplicate, …"), "fixed", nullable=False),
    Column(_open311("service_name"), "text", _("Kind of problem, as residents choose it."), "Pothole",
           nullable=False),
    Column(_open311("service_code"), "text", _("Code of the kind of problem (see the service types dataset)."),
           "pothole", nullable=False),
    Column(_open311("description"), "text", _("What the resident wrote, with email addresses and phone numbers "
                                              "replaced by [email removed] and [phone removed]."),
           "Deep hole in the right lane"),
    Column(_open311("agency_responsible"), "text", _("Department handling the request (the jurisdiction while "
                                                     "it waits to be routed)."), "Public Works", nullable=False),
    Column("jurisdiction_id", "text", _("Open311 jurisdiction id of the city or county responsible."),
           "riverbend.example.gov", nullable=False),
    Column("district", "text", _("District the location lies in, if any."), "Central"),
    Column(_open311("requested_datetime"), "datetime", _("When the request was made (UTC)."),
           "2026-03-02T14:05:09Z", nullable=False),
    Column(_open311("updated_datetime"), "datetime", _("When the request last changed (UTC)."),
           "2026-03-04T09:12:44Z", nullable=False),
    Column(_open311("expected_datetime"), "datetime", _("When the city aims to resolve it (UTC), if it has a "
                                                        "target."), "2026-03-05T17:00:00Z"),
    Column("closed_datetime", "datetime", _("When it was closed (UTC); empty while it is open."),
           "2026-03-04T09:12:44Z"),
    Column(_open311("address"), "text", _("Street address; empty for sensitive kinds of problem."),
           "120 N Main St"),
    Column(_open311("lat"), "number", _("Latitude (WGS84). For sensitive kinds of problem, the center of a "
                                        "~500 m grid cell."), "40.101004", nullable=False),
    Column(_open311("long"), "number", _("Longitude (WGS84). For sensitive kinds of problem, the center of a "
                                         "~500 m grid cell."), "-88.952011", nullable=False),
    Column("location_snapped", "boolean", _("true when lat/long were snapped to the grid (sensitive kinds of "
                                            "problem)."), "false", nullable=False),
    Column("channel", "text", _("How the request came in: web, api, phone, counter, email or sms."), "web",
           nullable=False),
    Column(_open311("media_url"), "text", _("Link to the first photo shown publicly, if any."),
           "https://311.example.gov/requests/7KQ4-M2XD/photos/12/"),
)

#: Meaning of the NYC columns CivicDesk has nothing for: always empty, never made up.
_NOT_RECORDED = _("CivicDesk does not record this: always empty (the column is kept so that tools made for "
                  "New York City's file read this one).")

#: The requests again, in the column shape of New York City's "311 Service Requests from 2010 to Present"
#: (NYC Open Data, dataset erm2-nwe9): the same column names in the same order, each filled from the
#: CivicDesk field that means the same thing, or left empty (docs/open-data.md has the mapping).
NYC_REQUEST_COLUMNS = (
    Column("Unique Key", "text", _("Tracking number of the request (unique; NYC's is a number, CivicDesk's is "
                                   "letters and digits)."), "7KQ4-M2XD", nullable=False),
    Column("Created Date", "datetime", _("When the request was made (UTC)."), "2026-03-02T14:05:09Z",
           nullable=False),
    Column("Closed Date", "datetime", _("When it was closed (UTC); empty while it is open."), "2026-03-04T09:12:44Z"),
    Column("Agency", "text", _("Short name of the department handling it (of the jurisdiction while it waits to "
                               "be routed)."), "public-works", nullable=False),
    Column("Agency Name", "text", _("Department handling the request (the jurisdiction while it waits to be "
                                    "routed)."), "Public Works", nullable=False),
    Column("Complaint Type", "text", _("Kind of problem, as residents choose it."), "Pothole", nullable=False),
    Column("Descriptor", "text", _NOT_RECORDED, ""),
    Column("Location Type", "text", _NOT_RECORDED, ""),
    Column("Incident Zip", "text", _("Postcode of the address picked from the city's address list, if any; empty "
                                     "for sensitive kinds of problem."), "61820"),
    Column("Incident Address", "text", _("Street address; empty for sensitive kinds of problem."), "120 N Main St"),
    Column("Street Name", "text", _("Street of the address picked from the city's address list, if any; empty for "
                                    "sensitive kinds of problem."), "N Main St"),
    Column("Cross Street 1", "text", _NOT_RECORDED, ""),
    Column("Cross Street 2", "text", _NOT_RECORDED, ""),
    Column("Intersection Street 1", "text", _NOT_RECORDED, ""),
    Column("Intersection Street 2", "text", _NOT_RECORDED, ""),
    Column("Address Type", "text", _("ADDRESS when the row has a street address, LATLONG when it has only a point."),
           "ADDRESS", nullable=False),
    Column("City", "text", _("City of the address picked from the city's address list, if any; empty for "
                             "sensitive kinds of problem."), "Riverbend"),
    Column("Landmark", "text", _NOT_RECORDED, ""),
    Column("Facility Type", "text", _NOT_RECORDED, ""),
    Column("Status", "text", _("The city's status, by name: Submitted, In progress, Fixed, …"), "Fixed",
           nullable=False),
    Column("Due Date", "datetime", _("When the city aims to resolve it (UTC), if it has a target."),
           "2026-03-05T17:00:00Z"),
    Column("Resolution Description", "text", _("Always empty: staff updates are not published in open data."), ""),
    Column("Resolution Action Updated Date", "datetime", _("When the request last changed (UTC)."),
           "2026-03-04T09:12:44Z", nullable=False),
    Column("Community Board", "text", _("District the location lies in, if any."), "Central"),
    Column("BBL", "text", _NOT_RECORDED, ""),
    Column("Borough", "text", _("City or county responsible (the jurisdiction)."), "City of Riverbend",
           nullable=False),
    Column("X Coordinate (State Plane)", "integer", _NOT_RECORDED, ""),
    Column("Y Coordinate (State Plane)", "integer", _NOT_RECORDED, ""),
    Column("Open Data Channel Type", "text", _("How the request came in: ONLINE (web form), PHONE, MOBILE (apps "
                                               "through the Open311 API, text messages) or OTHER (email, counter)."),
           "ONLINE", nullable=False),
    Column("Park Facility Name", "text", _NOT_RECORDED, ""),
    Column("Park Borough", "text", _NOT_RECORDED, ""),
    Column("Vehicle Type", "text", _NOT_RECORDED, ""),
    Column("Taxi Company Borough", "text", _NOT_RECORDED, ""),
    Column("Taxi Pick Up Location", "text", _NOT_RECORDED, ""),
    Column("Bridge Highway Name", "text", _NOT_RECORDED, ""),
    Column("Bridge Highway Direction", "text", _NOT_RECORDED, ""),
    Column("Road Ramp", "text", _NOT_RECORDED, ""),
    Column("Bridge Highway Segment", "text", _NOT_RECORDED, ""),
    Column("Latitude", "number", _("Latitude (WGS84). For sensitive kinds of problem, the center of a ~500 m grid "
                                   "cell."), "40.101004", nullable=False),
    Column("Longitude", "number", _("Longitude (WGS84). For sensitive kinds of problem, the center of a ~500 m "
                                    "grid cell."), "-88.952011", nullable=False),
    Column("Location", "text", _("Latitude and Longitude as NYC writes them: (lat, long)."),
           "(40.101004, -88.952011)", nullable=False),
)

if [column.name for column in NYC_REQUEST_COLUMNS] != NYC_COLUMNS:  # the importer's list of NYC's header
    raise ValueError("NYC_REQUEST_COLUMNS must name NYC's columns in NYC's order (datasets.formats.NYC_COLUMNS)")

SERVICE_TYPE_COLUMNS = (
    Column("service_code", "text", _("Code of the kind of problem (Open311 service_code)."), "pothole",
           nullable=False),
    Column("service_name", "text", _("Name residents choose."), "Pothole", nullable=False),
    Column("description", "text", _("What the kind of problem covers."), "A hole in the road surface"),
    Column("group", "text", _("Heading it is listed under."), "Streets and sidewalks"),
    Column("keywords", "text", _("Other words for it, separated by commas."), "hole, road"),
    Column("sla_hours", "integer", _("Target time to resolve, in business hours; empty when there is none."), "16"),
    Column("location_snapped", "boolean", _("true when its locations are published snapped to a ~500 m grid."),
           "false", nullable=False),
    Column("jurisdiction_ids", "text", _("Open311 ids of the jurisdictions offering it, separated by spaces; "
                                         "empty means all."), "riverbend.example.gov"),
)

DAILY_COUNT_COLUMNS = (
    Column("date", "date", _("Day, in the city's time zone."), "2026-03-02", nullable=False),
    Column("jurisdiction_id", "text", _("Open311 jurisdiction id."), "riverbend.example.gov", nullable=False),
    Column("service_code", "text", _("Code of the kind of problem."), "pothole", nullable=False),
    Column("received", "integer", _("Public requests made that day."), "14", nullable=False),
    Column("closed", "integer", _("Public requests closed that day."), "11", nullable=False),
)


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    return value.astimezone(dt.UTC) if value is not None else None


def public_requests():
    """Requests open data may show: public requests of public service types (`ServiceRequest.objects.public()`)."""
    return ServiceRequest.objects.public()


#: The request fields a row is made from (read with values_list: building model instances would cost most of
#: the export's time).
REQUEST_FIELDS = ("pk", "public_id", "is_open", "status_id", "service_type_id", "description", "jurisdiction_id",
                  "department_id", "district_id", "requested_at", "updated_at", "expected_at", "closed_at", "address",
                  "lat", "long", "channel")


class PublicRequest:
    """A request as read for open data: its fields plus its (cached) related objects, and the model's own
    `public_point`, `public_address` and `public_description` (borrowed from ServiceRequest, so the privacy
    rules stay in one place: snapping, no address for sensitive types, contact details masked)."""

    __slots__ = (*REQUEST_FIELDS, "status", "service_type", "jurisdiction", "department", "district", "service_name",
                 "agency", "district_name")

    public_point = ServiceRequest.public_point
    public_address = ServiceRequest.public_address
    public_description = ServiceRequest.public_description
    public_text = ServiceRequest.public_text
    published_contacts = ServiceRequest.published_contacts


class Related:
    """The few statuses, service types, jurisdictions, departments and districts, read once per export (a
    row added while the export runs is read when first met)."""

    def __init__(self):
        from civicdesk.catalog.models import Status
        from civicdesk.jurisdictions.models import Department, District, Jurisdiction

        self.models = {"status": Status, "service_type": ServiceType, "jurisdiction": Jurisdiction,
                       "department": Department, "district": District}
        self.objects = {name: {item.pk: item for item in model.objects.all()} for name, model in self.models.items()}
        self.names: dict[tuple[str, int], str] = {}

    def get(self, name: str, pk: int | None):
        if pk is None:
            return None
        known = self.objects[name]
        if pk not in known:
            known[pk] = self.models[name].objects.get(pk=pk)
        return known[pk]

    def name(self, kind: str, item) -> str | None:
        """The object's name in the site's default language, read once (translated names cost a look-up)."""
        if item is None:
            return None
        key = (kind, item.pk)
        if key not in self.names:
            with translation.override(settings.LANGUAGE_CODE):
                self.names[key] = str(item.name)
        return self.names[key]

    def request(self, values: tuple) -> PublicRequest:
        item = PublicRequest()
        for field, value in zip(REQUEST_FIELDS, values):
            setattr(item, field, value)
        item.status = self.get("status", item.status_id)
        item.service_type = self.get("service_type", item.service_type_id)
        item.jurisdiction = self.get("jurisdiction", item.jurisdiction_id)
        item.department = self.get("department", item.department_id)
        item.district = self.get("district", item.district_id)
        item.service_name = self.name("service_type", item.service_type)
        item.agency = self.name("department", item.department) or self.name("jurisdiction", item.jurisdiction)
        item.district_name = self.name("district", item.district)
        return item


def first_photo_urls(requests: list[PublicRequest], *, by_range: bool = False) -> dict[int, str]:
    """{request pk: URL of its first photo shown publicly} for a batch, in one query; hidden photos never.

    With `by_range` (a batch in primary-key order) the query reads the photos of the batch's id range, a range
    scan of the request index that is much cheaper than a list of 2,000 ids; photos of requests in the range
    but not in the batch (private ones) are skipped here."""
    public_ids = {request.pk: request.public_id for request in requests}
    urls: dict[int, str] = {}
    if not public_ids:
        return urls
    photos = Attachment.objects.filter(hidden=False, kind=Attachment.Kind.PHOTO)
    if by_range:
        photos = photos.filter(request_id__gte=requests[0].pk, request_id__lte=requests[-1].pk)
    else:
        photos = photos.filter(request_id__in=list(public_ids))
    for request_id, photo_id in photos.order_by("request_id", "id").values_list("request_id", "pk"):
        if request_id in public_ids and request_id not in urls:
            urls[request_id] = settings.SITE_URL + reverse(
                "servicerequests:attachment", args=[public_ids[request_id], photo_id])
    return urls


def request_row(item: PublicRequest, photo_url: str | None) -> tuple:
    """One request as a REQUEST_COLUMNS row, as the public may see it."""
    lat, long = item.public_point()
    return (
        item.public_id, "open" if item.is_open else "closed", item.status.code, item.service_name,
        item.service_type.code, item.public_description() or None, item.agency, item.jurisdiction.open311_id,
        item.district_name, _utc(item.requested_at), _utc(item.updated_at),
        _utc(item.expected_at), _utc(item.closed_at), item.public_address() or None, lat, long,
        item.service_type.is_sensitive, item.channel, photo_url,
    )


def request_rows(queryset, related: Related | None = None, *, by_range: bool = False
                 ) -> tuple[list[tuple], list[PublicRequest]]:
    """The rows of a (sliced, ordered) queryset of public requests, and the requests they were made from
    (`by_range`: the queryset is in primary-key order, see first_photo_urls)."""
    related = related or Related()
    items = [related.request(values) for values in queryset.values_list(*REQUEST_FIELDS)]
    urls = first_photo_urls(items, by_range=by_range)
    return [request_row(item, urls.get(item.pk)) for item in items], items


def request_batches(queryset=None, *, batch_size: int = BATCH_SIZE) -> Iterator[list[tuple]]:
    """Every public request as rows, a batch at a time, in id order (keyset paging on the primary key), built
    one by one: the reference the export's Arrow path (`arrowrows`) is tested against."""
    queryset = public_requests() if queryset is None else queryset
    related = Related()
    last = 0
    while True:
        rows, items = request_rows(queryset.filter(pk__gt=last).order_by("pk")[:batch_size], related, by_range=True)
        if not rows:
            return
        yield rows
        last = items[-1].pk


def request_arrow_batches(**options):
    """Every public request as Arrow record batches (the export's fast path, `arrowrows`)."""
    from .arrowrows import request_record_batches

    return request_record_batches(**options)


def nyc_request_arrow_batches(**options):
    """The same requests in NYC's 311 column shape (NYC_REQUEST_COLUMNS)."""
    from .arrowrows import request_record_batches

    return request_record_batches(shape="nyc", **options)


def service_type_batches(**_options) -> Iterator[list[tuple]]:
    """The public catalogue (active, not private types), one batch."""
    types = (ServiceType.objects.public().select_related("group").prefetch_related("jurisdictions")
             .order_by("code"))
    yield [(item.code, item.name, item.description or None, item.group.name if item.group_id else None,
            item.keywords or None, item.sla_hours, item.is_sensitive,
            " ".join(sorted(j.open311_id for j in item.jurisdictions.all())) or None) for item in types]


def daily_count_batches(**_options) -> Iterator[list[tuple]]:
    """Public requests received and closed per day × jurisdiction × kind of problem (counts only)."""
    tz = timezone.get_default_timezone()
    public = ServiceRequest.objects.public()
    counts: dict[tuple, list[int]] = {}
    received = (public.annotate(day=TruncDate("requested_at", tzinfo=tz))
                .values_list("day", "jurisdiction__open311_id", "service_type__code").annotate(n=Count("pk")))
    for day, juris, code, n in received:
        counts.setdefault((day, juris, code), [0, 0])[0] = n
    closed = (public.filter(~Q(closed_at=None)).annotate(day=TruncDate("closed_at", tzinfo=tz))
              .values_list("day", "jurisdiction__open311_id", "service_type__code").annotate(n=Count("pk")))
    for day, juris, code, n in closed:
        counts.setdefault((day, juris, code), [0, 0])[1] = n
    rows = [(day, juris, code, r, c) for (day, juris, code), (r, c) in sorted(counts.items())]
    for start in range(0, len(rows), BATCH_SIZE):
        yield rows[start:start + BATCH_SIZE]


#: The datasets whose rows are the public requests (one row each).
REQUEST_DATASETS = ("requests", "requests-nyc")


@dataclass(frozen=True)
class BuiltinDataset:
    """A dataset CivicDesk builds from its own tables; the catalogue, exports and /data.json read these."""

    slug: str
    title: Any
    description: Any
    keywords: tuple[str, ...]
    columns: tuple[Column, ...]
    batches: Any
    #: ISO 8601 repeating duration of the export schedule (DCAT-US accrualPeriodicity).
    frequency: str = "R/P1D"
    formats: tuple[str, ...] = ("csv", "json", "geojson", "parquet")
    #: The rows the GeoJSON file is made of, when some rows have no point (None: `batches`, every row has one).
    point_batches: Any = None

    def column_names(self) -> list[str]:
        return [column.name for column in self.columns]

    def count(self) -> int:
        """Rows the dataset holds now (the export's count is the one shown with its files)."""
        if self.slug in REQUEST_DATASETS:
            return public_requests().count()
        return sum(len(batch) for batch in self.batches())


BUILTIN = {dataset.slug: dataset for dataset in (
    BuiltinDataset(
        "requests", _("311 service requests"),
        _("Every public 311 request: what, where, when, who handles it and its status, updated every night. "
          "Contact details, private requests and staff notes are never included; the location of sensitive "
          "kinds of problem is snapped to a ~500 m grid."),
        ("311", "service requests", "open311"), REQUEST_COLUMNS, request_arrow_batches),
    BuiltinDataset(
        "requests-nyc", _("311 requests with New York City column names"),
        _("The same public 311 requests with the column names of New York City's “311 Service Requests” open "
          "dataset, so tools and notebooks written for New York's file read this one. Columns CivicDesk has no "
          "data for are empty."),
        ("311", "service requests", "nyc"), NYC_REQUEST_COLUMNS, nyc_request_arrow_batches),
    BuiltinDataset(
        "service-types", _("Kinds of problem (service types)"),
        _("The kinds of problem residents can report, with their codes and target times."),
        ("311", "service types", "catalog"), SERVICE_TYPE_COLUMNS, service_type_batches,
        formats=("csv", "json", "parquet")),
    BuiltinDataset(
        "daily-counts", _("Requests received and closed per day"),
        _("How many public requests were made and closed each day, per jurisdiction and kind of problem."),
        ("311", "statistics", "daily counts"), DAILY_COUNT_COLUMNS, daily_count_batches,
        formats=("csv", "json", "parquet")),
)}


#: The (latitude, longitude) columns a GeoJSON point is made of: Open311 names, NYC names.
COORDINATES = (("lat", "long"), ("Latitude", "Longitude"))
#: Slugs the open-data URLs use for something else: no dataset may take them.
RESERVED_SLUGS = frozenset({"api", "files", "staff"})


def register_dataset(dataset: BuiltinDataset) -> None:
    """Publish a dataset a higher app builds (call it from that app's AppConfig.ready(): opendata never imports
    the apps above it). The dataset then has its page, its data dictionary, its /data.json entry and its files,
    made by the nightly export like the built-in ones.

    Its `batches` (and `point_batches`) must yield only what the public may see, in keyset batches, with the
    `batch_size` keyword accepted. Registering the same dataset again changes nothing; another dataset under a
    slug already taken (or reserved) raises ValueError."""
    if dataset.slug in RESERVED_SLUGS:
        raise ValueError(f"{dataset.slug} is reserved by the open-data pages")
    if dataset.slug in BUILTIN and BUILTIN[dataset.slug] != dataset:
        raise ValueError(f"another open dataset is already named {dataset.slug}")
    if "geojson" in dataset.formats and not any(set(pair) <= set(dataset.column_names()) for pair in COORDINATES):
        raise ValueError(f"{dataset.slug} has no lat/long columns for its GeoJSON file")
    BUILTIN[dataset.slug] = dataset


def english(func):
    """Run `func` with English active, so exported names do not depend on who triggered the export."""
    with translation.override(settings.LANGUAGE_CODE):
        return func()
