"""Open311 work behind the views: keys and rate limits, look-ups with the spec's filters, creating
requests through submit_request() and applying pushed updates through transition()/add_note()."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import (
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    prefetch_related_objects,
)
from django.utils import timezone
from django.utils.translation import gettext

from civicdesk.catalog.models import ServiceAttribute, ServiceType, Status
from civicdesk.jurisdictions.models import AddressPoint, Department, Jurisdiction
from civicdesk.lib import config_cache
from civicdesk.lib.compiled import CompiledQuery, as_datetime
from civicdesk.lib.ids import normalize_public_id
from civicdesk.lib.planner import among_unindexed
from civicdesk.servicerequests import services as requests_services
from civicdesk.servicerequests.models import Attachment, Channel, ServiceRequest, TimelineEntry

from .models import ApiKey, ApiKeyMinute, ClientUpdate, hash_key

#: The spec's cap on one GET requests answer ("first 1000 requests"); also the largest page.
MAX_REQUESTS = 1000
#: The widest date range one GET may ask for.
MAX_SPAN = dt.timedelta(days=90)
#: Updates are fetched often and in short windows (FixMyStreet asks for the last hour or two).
UPDATES_DEFAULT_SPAN = dt.timedelta(hours=2)
MAX_PAGE = 100_000
MAX_DESCRIPTION = 4000
MAX_MEDIA_URL = 500
SERVICE_CODE_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_ATTRIBUTE_RE = re.compile(r"^attribute\[([^\[\]]+)\](\[\])?$")
_validate_url = URLValidator(schemes=["http", "https"])


class Open311Error(Exception):
    """A call that must be answered with an Open311 error document.

    `errors` is a list of (code, description); `status` is the HTTP status.
    """

    def __init__(self, status: int, *descriptions: str, headers: dict[str, str] | None = None):
        super().__init__("; ".join(descriptions))
        self.status = status
        self.errors = [(status, description) for description in descriptions]
        self.headers = headers or {}


def param(data: Mapping, name: str) -> str:
    """One parameter, stripped; an empty parameter is the same as an absent one (spec 1.1)."""
    value = data.get(name)
    return value.strip() if isinstance(value, str) else ""


def split_list(value: str) -> list[str]:
    """A comma-delimited parameter as a list of its non-empty items."""
    return [item.strip() for item in value.split(",") if item.strip()]


# --- Jurisdictions ---------------------------------------------------------------------------------------------------

def _active_jurisdictions() -> dict[str, Jurisdiction]:
    """Active jurisdictions by open311_id, read once per process (lib/config_cache.py; shared: read-only)."""
    return config_cache.cached("open311_jurisdictions", lambda: {
        jurisdiction.open311_id: jurisdiction for jurisdiction in Jurisdiction.objects.filter(is_active=True)})


def resolve_jurisdiction(open311_id: str, *, api_key: ApiKey | None = None) -> Jurisdiction:
    """The jurisdiction a call is about.

    `jurisdiction_id` picks it; without one, the only active jurisdiction, or
    else the API key's own. Raises Open311Error 404 for an unknown id, 400 when
    it is needed and missing.
    """
    if open311_id:
        jurisdiction = _active_jurisdictions().get(open311_id)
        if jurisdiction is None:
            raise Open311Error(404, gettext("jurisdiction_id %s was not found.") % open311_id[:120])
        return jurisdiction
    active = list(Jurisdiction.objects.filter(is_active=True)[:2])
    if len(active) == 1:
        return active[0]
    if api_key is not None and api_key.jurisdiction_id is not None:
        return api_key.jurisdiction
    raise Open311Error(400, gettext("jurisdiction_id was not provided."))


# --- Dates -----------------------------------------------------------------------------------------------------------

_UNENCODED_PLUS = re.compile(r"(T\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?) (\d{2}:?\d{2})$")


def parse_datetime(raw: str, name: str, tz) -> dt.datetime:
    """A W3C datetime ("2010-01-01T00:00:00Z", "1994-11-05T08:15:30-05:00") as an aware datetime.

    A date alone, or a datetime without an offset, is read in `tz` (the
    jurisdiction's zone). A "+" that arrived as a space because the client did
    not URL-encode it is read as "+". Raises Open311Error 400.
    """
    text = _UNENCODED_PLUS.sub(r"\1+\2", raw.strip())
    try:
        value = dt.datetime.fromisoformat(text[:-1] + "+00:00" if text[-1:] in ("Z", "z") else text)
    except ValueError:
        value = None
    # Real offsets run from -12:00 to +14:00; anything wider is a typo (and PostgreSQL refuses it outright).
    if (value is None or not 1900 <= value.year <= 9000
            or (value.tzinfo is not None and abs(value.utcoffset()) > dt.timedelta(hours=14))):
        raise Open311Error(400, gettext("%(name)s is not a W3C datetime like 2010-01-01T00:00:00Z.") % {"name": name})
    return value if value.tzinfo is not None else value.replace(tzinfo=tz)


def format_datetime(value: dt.datetime | None, tz) -> str | None:
    """A W3C datetime with the offset of `tz` (the jurisdiction's zone), to the second; None stays None."""
    return value.astimezone(tz).isoformat(timespec="seconds") if value is not None else None


def date_window(data: Mapping, tz, *, default_span: dt.timedelta, now: dt.datetime | None = None
                ) -> tuple[dt.datetime, dt.datetime]:
    """The [start_date, end_date] range asked for, both ends included.

    Neither given: the `default_span` up to now. Only start: MAX_SPAN from it.
    Only end: `default_span` before it. Raises Open311Error 400 when the range is
    backwards or wider than MAX_SPAN.
    """
    start_raw, end_raw = param(data, "start_date"), param(data, "end_date")
    start = parse_datetime(start_raw, "start_date", tz) if start_raw else None
    end = parse_datetime(end_raw, "end_date", tz) if end_raw else None
    if start is None and end is None:
        end = now or timezone.now()
    if start is None:
        start = end - default_span
    elif end is None:
        end = start + MAX_SPAN
    if end < start:
        raise Open311Error(400, gettext("end_date is before start_date."))
    if end - start > MAX_SPAN:
        raise Open311Error(400, gettext("The date range may not span more than %d days.") % MAX_SPAN.days)
    return start, end


@dataclass
class Page:
    number: int
    size: int

    @property
    def slice(self) -> slice:
        return slice((self.number - 1) * self.size, self.number * self.size)


def _whole_number(data: Mapping, name: str) -> int | None:
    raw = param(data, name)
    if not raw:
        return None
    # Ten digits at most: int() of a huge digit string is slow, and past 4,300 digits it refuses.
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 10 and int(raw) >= 1):
        raise Open311Error(400, gettext("%s must be a whole number from 1 up.") % name)
    return int(raw)


def page_of(data: Mapping) -> Page:
    """The `page`/`page_size` extension: pages count from 1 and hold MAX_REQUESTS unless asked for fewer.

    A larger page size is clamped to MAX_REQUESTS, as Chicago's server does,
    rather than refused. Raises Open311Error 400 for anything but whole numbers.
    """
    number = _whole_number(data, "page") or 1
    if number > MAX_PAGE:
        raise Open311Error(400, gettext("page may be at most %d.") % MAX_PAGE)
    return Page(number, min(_whole_number(data, "page_size") or MAX_REQUESTS, MAX_REQUESTS))


# --- API keys and rate limits ----------------------------------------------------------------------------------------

def new_key() -> str:
    """A fresh API key: a recognisable prefix and 256 random bits."""
    return "cd311_" + secrets.token_urlsafe(32)


def issue_api_key(*, name: str, jurisdiction: Jurisdiction | None = None, rate_limit_per_minute: int = 60,
                  user=None) -> tuple[ApiKey, str]:
    """Create a key for a client application; returns it and the key itself, which is never stored."""
    raw = new_key()
    key = ApiKey.objects.create(name=name, jurisdiction=jurisdiction, prefix=raw[:12], key_hash=hash_key(raw),
                                rate_limit_per_minute=rate_limit_per_minute)
    key.log_action("open311.apikey_issued", user=user, data={"name": name, "prefix": key.prefix})
    return key, raw


def set_new_key(key: ApiKey) -> str:
    """Give an unsaved ApiKey (e.g. from the admin form) a fresh key; returns the key itself."""
    raw = new_key()
    key.prefix, key.key_hash = raw[:12], hash_key(raw)
    return raw


def revoke_api_key(key: ApiKey, *, user=None) -> None:
    """Switch the key off at once (it stays listed, with its counts); audited."""
    now = timezone.now()
    ApiKey.objects.filter(pk=key.pk).update(is_active=False, revoked_at=now)
    key.is_active, key.revoked_at = False, now
    key.log_action("open311.apikey_revoked", user=user, data={"prefix": key.prefix})


_KEY_COLUMNS = [field.attname for field in ApiKey._meta.concrete_fields]
# Every POST asks: the key's own row only (its jurisdiction, when a call needs it, is read then), by a statement
# the ORM builds once per process (lib/compiled.py).
_ACTIVE_KEY = CompiledQuery(lambda key_hash: ApiKey.objects.filter(key_hash=key_hash, is_active=True)
                            .values_list(*_KEY_COLUMNS)[:1], key_hash=str)


def _key_from_row(row: tuple) -> ApiKey:
    """An ApiKey from a raw row of _KEY_COLUMNS (moments and flags as the driver returns them)."""
    values = dict(zip(_KEY_COLUMNS, row, strict=True))
    for name in ("last_used_at", "created_at", "revoked_at"):
        values[name] = as_datetime(values[name])
    values["is_active"] = bool(values["is_active"])
    return ApiKey.from_db(None, _KEY_COLUMNS, [values[name] for name in _KEY_COLUMNS])


def authenticate(raw: str, *, action: str = "create_request") -> ApiKey:
    """The active key `raw` stands for. Raises Open311Error 403 (in the spec's words) otherwise."""
    key = None
    if raw:
        row = _ACTIVE_KEY.first(key_hash=hash_key(raw))
        key = None if row is None else _key_from_row(row)
    if key is None:
        raise Open311Error(403, gettext("Invalid api_key received -- can't proceed with %s.") % action)
    return key


def count_call(key: ApiKey, *, now: dt.datetime | None = None) -> None:
    """Count one call against the key's per-minute limit and its total; raises Open311Error 429 when over.

    The counter is a database row per key and clock minute, incremented with
    F() inside a transaction, so every app server process shares one count.
    A refused call is counted in the minute but not in the key's total. A key
    without a limit (0) keeps only its total.
    """
    now = now or timezone.now()
    if not key.rate_limit_per_minute:  # no limit: only the total is kept
        ApiKey.objects.filter(pk=key.pk).update(request_count=F("request_count") + 1, last_used_at=now)
        return
    minute = now.replace(second=0, microsecond=0)
    counters = ApiKeyMinute.objects.filter(api_key=key, minute=minute)
    with transaction.atomic():
        if not counters.update(count=F("count") + 1):
            try:
                with transaction.atomic():
                    ApiKeyMinute.objects.create(api_key=key, minute=minute, count=1)
            except IntegrityError:  # another process created this minute's row first
                counters.update(count=F("count") + 1)
            # Once a minute per key: earlier minutes are no longer needed.
            ApiKeyMinute.objects.filter(api_key=key, minute__lt=minute).delete()
        # Our UPDATE holds the row lock until commit, so this reads our own increment.
        count = counters.values_list("count", flat=True).get()
        over = count > key.rate_limit_per_minute
        if not over:
            ApiKey.objects.filter(pk=key.pk).update(request_count=F("request_count") + 1, last_used_at=now)
    if over:
        retry_after = 60 - now.second
        raise Open311Error(429, gettext("Rate limit exceeded: this api_key may make %(n)d calls a minute. "
                                        "Try again in %(s)d seconds.") % {"n": key.rate_limit_per_minute,
                                                                          "s": retry_after},
                           headers={"Retry-After": str(retry_after)})


def refuse_if_over(key: ApiKey, *, now: dt.datetime | None = None) -> None:
    """Refuse (429, counted as count_call() counts a refusal) a call of a key whose minute is used up already.

    A read, for a POST whose count is kept for the report's own transaction (create_request_counted): an app
    over its limit is turned away before its report is validated, as when the count came first."""
    if not key.rate_limit_per_minute:
        return
    now = now or timezone.now()
    minute = now.replace(second=0, microsecond=0)
    used = ApiKeyMinute.objects.filter(api_key=key, minute=minute).values_list("count", flat=True).first()
    if used is not None and used >= key.rate_limit_per_minute:
        count_call(key, now=now)  # counts the refusal in the minute and raises 429


def create_request_counted(data, files, *, key: ApiKey, jurisdiction_id: str, language: str) -> ServiceRequest:
    """POST requests for an authenticated key: find the jurisdiction, create the request, count the call.

    The call is counted in the report's own transaction, last, so a report is one commit (the key's rows are
    locked only from then to the commit: one app's reports do not queue behind each other's whole
    submissions). A call refused for any reason (over the limit, a wrong jurisdiction, a bad report) is
    counted on its own instead, as every call is; over the limit, the answer is 429 whatever else was wrong.
    """
    counted = False

    def count(_request) -> None:
        nonlocal counted
        count_call(key)  # over the limit: 429, and the report rolls back with the count
        counted = True

    try:
        refuse_if_over(key)
        jurisdiction = resolve_jurisdiction(jurisdiction_id, api_key=key)
        if not key.works_in(jurisdiction):
            raise Open311Error(403, gettext("This api_key is not valid for jurisdiction_id %s.")
                               % jurisdiction.open311_id)
        return create_request(data, files, key=key, jurisdiction=jurisdiction, language=language, on_saved=count)
    except Exception:
        if not counted:
            count_call(key)
        raise


def key_for_write(data: Mapping, jurisdiction_id: str, *, action: str = "create_request"
                  ) -> tuple[ApiKey, Jurisdiction]:
    """Authenticate a POST, count it against its key's limit, and find its jurisdiction.

    Raises Open311Error 403 for a missing, invalid or revoked key or a key of
    another jurisdiction, 429 over the limit, 404/400 for the jurisdiction.
    """
    key = authenticate(param(data, "api_key"), action=action)
    count_call(key)
    jurisdiction = resolve_jurisdiction(jurisdiction_id, api_key=key)
    if not key.works_in(jurisdiction):
        raise Open311Error(403, gettext("This api_key is not valid for jurisdiction_id %s.") % jurisdiction.open311_id)
    return key, jurisdiction


# --- The catalogue ---------------------------------------------------------------------------------------------------

def offered_services(jurisdiction: Jurisdiction) -> QuerySet[ServiceType]:
    """Public, active service types offered in the jurisdiction, in catalogue order, with `has_attributes`."""
    return (ServiceType.objects.public().for_jurisdiction(jurisdiction).select_related("group")
            .annotate(has_attributes=Exists(ServiceAttribute.objects.filter(service_type=OuterRef("pk")))))


def find_service(jurisdiction: Jurisdiction, code: str) -> ServiceType:
    """The offered service type with this code; Open311Error 404 otherwise (private and inactive ones too).

    Every POST asks, so the jurisdiction's offered types are read once per process (lib/config_cache.py,
    emptied when a type, its questions or its jurisdictions change); the objects are shared: read-only."""
    offered = config_cache.cached(("open311_services", jurisdiction.pk),
                                  lambda: {service.code: service for service in offered_services(jurisdiction)})
    service = offered.get(code) if SERVICE_CODE_RE.match(code) else None
    if service is None:
        raise Open311Error(404, gettext("service_code %s was not found.") % code[:64])
    return service


def definition_attributes(service: ServiceType) -> list[ServiceAttribute]:
    """The type's questions in asking order, with their choices."""
    return list(service.attributes.prefetch_related("values").order_by("order", "id"))


# --- Reading requests ------------------------------------------------------------------------------------------------

def public_requests(jurisdiction: Jurisdiction) -> QuerySet[ServiceRequest]:
    """Requests of the jurisdiction the public may see (never private ones or private types)."""
    return ServiceRequest.objects.public().filter(jurisdiction=jurisdiction)


def _newest_first(jurisdiction: Jurisdiction, *, type_ids: list[int] | None = None,
                  status_ids: list[int] | None = None) -> QuerySet[ServiceRequest]:
    """Public requests of the jurisdiction (of those types and statuses, when given), newest first.

    Walking the requested-time index backwards until a page is full costs at
    most one date window; fetching every request of the jurisdiction or type
    and sorting them would cost their whole history (see civicdesk/lib/planner.py).
    """
    queryset = among_unindexed(ServiceRequest.objects.public(), "jurisdiction_id", [jurisdiction.pk])
    if type_ids is not None:
        queryset = among_unindexed(queryset, "service_type_id", type_ids)
    if status_ids is not None:
        queryset = among_unindexed(queryset, "status_id", status_ids)
    return queryset.order_by("-requested_at", "-id")


#: The request columns Open311 shows. Loading only these keeps contact details out of memory altogether.
PUBLIC_COLUMNS = ["id", "public_id", "jurisdiction_id", "service_type_id", "status_id", "department_id",
                  "description", "lat", "long", "address", "address_id", "channel", "requested_at", "updated_at",
                  "expected_at", "closed_at", "media_url"]


def _with_related(queryset: QuerySet[ServiceRequest], jurisdiction: Jurisdiction, *, extensions: bool
                  ) -> list[ServiceRequest]:
    """Evaluate with everything the representation reads, in a fixed number of queries.

    Service types, statuses and departments are few: each is loaded once and
    shared by every request of the page, rather than joined into every row.
    """
    photos = (Attachment.objects.filter(hidden=False, kind=Attachment.Kind.PHOTO)
              .only("id", "request_id", "content_type", "width", "height", "created_at").order_by("id"))
    queryset = (queryset.only(*PUBLIC_COLUMNS, *(["attributes"] if extensions else []))
                .prefetch_related(Prefetch("attachments", queryset=photos, to_attr="public_photos")))
    if extensions:
        timeline = (TimelineEntry.objects.filter(is_public=True)
                    .only("id", "request_id", "kind", "message", "message_code", "message_params", "status_to_id",
                          "created_at")
                    .order_by("created_at", "id"))
        queryset = queryset.prefetch_related(Prefetch("timeline", queryset=timeline, to_attr="public_entries"))
    found = list(queryset)
    if not found:
        return found
    types = ServiceType.objects.in_bulk({r.service_type_id for r in found})
    if extensions:
        prefetch_related_objects(list(types.values()), "attributes__values")
    statuses = Status.objects.in_bulk()
    departments = Department.objects.in_bulk({r.department_id for r in found if r.department_id})
    # The latest public status message of each request: one query for the page, not a subquery per row
    # (SQLite would run that for every row it scans, before the sort and the limit).
    notes = dict(TimelineEntry.objects.filter(request_id__in=[r.pk for r in found], is_public=True,
                                              kind=TimelineEntry.Kind.STATUS).exclude(message="")
                 .order_by("request_id", "created_at", "id").values_list("request_id", "message"))
    address_ids = {r.address_id for r in found if r.address_id}
    postcodes = dict(AddressPoint.objects.filter(address_id__in=address_ids).exclude(postcode="")
                     .values_list("address_id", "postcode")) if address_ids else {}
    for request in found:
        request.jurisdiction = jurisdiction
        request.service_type = types[request.service_type_id]
        request.status = statuses[request.status_id]
        request.department = departments.get(request.department_id)
        request.zipcode = postcodes.get(request.address_id)
        request.status_notes = notes.get(request.pk)
        for entry in getattr(request, "public_entries", ()):
            entry.status_to = statuses.get(entry.status_to_id)
    return found


def find_requests(jurisdiction: Jurisdiction, data: Mapping, *, extensions: bool = False,
                  now: dt.datetime | None = None) -> list[ServiceRequest]:
    """GET requests: newest first, at most one page (MAX_REQUESTS by default).

    `service_request_id` (comma list) overrides every other filter. Otherwise
    `service_code` and `status` (comma lists) and the date window on
    `requested_datetime` apply; pages are cut from a total order (requested
    time, then id), so consecutive pages neither skip nor repeat a request.
    """
    ids = split_list(param(data, "service_request_id"))
    if ids:
        canonical = [public_id for public_id in map(normalize_public_id, ids[:MAX_REQUESTS]) if public_id]
        return _with_related(public_requests(jurisdiction).filter(public_id__in=canonical)
                             .order_by("-requested_at", "-id"), jurisdiction, extensions=extensions)
    codes = split_list(param(data, "service_code"))
    type_ids = list(ServiceType.objects.filter(code__in=codes).values_list("id", flat=True)) if codes else None
    statuses = {status.lower() for status in split_list(param(data, "status"))}
    unknown = statuses - {Status.Kind.OPEN, Status.Kind.CLOSED}
    if unknown:
        raise Open311Error(400, gettext("status must be open, closed or both, not %s.")
                           % ",".join(sorted(unknown))[:100])
    status_ids = list(Status.objects.filter(kind=statuses.pop()).values_list("id", flat=True)) \
        if len(statuses) == 1 else None
    start, end = date_window(data, jurisdiction.tz, default_span=MAX_SPAN, now=now)
    queryset = _newest_first(jurisdiction, type_ids=type_ids, status_ids=status_ids).filter(
        requested_at__gte=start, requested_at__lte=end)
    page = page_of(data)
    return _with_related(queryset[page.slice], jurisdiction, extensions=extensions)


def find_request(jurisdiction: Jurisdiction, raw_id: str, *, extensions: bool = False, name: str = "service_request_id"
                 ) -> ServiceRequest:
    """One public request by its service_request_id; Open311Error 404 otherwise."""
    public_id = normalize_public_id(raw_id)
    found = _with_related(public_requests(jurisdiction).filter(public_id=public_id), jurisdiction,
                          extensions=extensions) if public_id else []
    if not found:
        raise Open311Error(404, gettext("%(name)s %(id)s was not found.") % {"name": name, "id": raw_id[:64]})
    return found[0]


# --- Creating requests -----------------------------------------------------------------------------------------------

#: submit_request() error keys and the Open311 parameter each is about.
_FIELD_NAMES = {"name": "first_name", "location": "location", "media": "media", "service_code": "service_code",
                "description": "description", "email": "email", "phone": "phone"}


def rejection_error(exc: requests_services.RequestRejected) -> Open311Error:
    """One 400 error per problem submit_request() found; an emergency is one error on its own."""
    if isinstance(exc, requests_services.EmergencyReported):
        return Open311Error(400, *exc.errors["description"])
    return Open311Error(400, *[f"{_FIELD_NAMES.get(field, field)}: {message}"
                               for field, messages in exc.errors.items() for message in messages])


def attribute_answers(data) -> dict[str, Any]:
    """`attribute[CODE]` answers keyed by CODE: a string, or a list when repeated or sent as `attribute[CODE][]`.

    Both spellings of a multi-value answer are accepted (the spec's `[]` and
    FixMyStreet's repeated key without it).
    """
    answers: dict[str, list[str]] = {}
    for key in data:
        match = _ATTRIBUTE_RE.match(key)
        if match:
            answers.setdefault(match.group(1), []).extend(data.getlist(key))
    return {code: values[0] if len(values) == 1 else values for code, values in answers.items()}


def _check_url(value: str, name: str) -> str:
    try:
        _validate_url(value)
    except ValidationError:
        raise Open311Error(400, gettext("%s is not a valid http or https URL.") % name) from None
    if len(value) > MAX_MEDIA_URL:
        raise Open311Error(400, gettext("%(name)s is longer than %(n)d characters.")
                           % {"name": name, "n": MAX_MEDIA_URL})
    return value


def _name(data: Mapping) -> str:
    # FixMyStreet sends "-" for a name part it does not know.
    parts = [param(data, "first_name"), param(data, "last_name")]
    return " ".join(part for part in parts if part and part != "-")


def create_request(data, files, *, key: ApiKey, jurisdiction: Jurisdiction, language: str,
                   on_saved=None) -> ServiceRequest:
    """POST requests: parse the form (and photo parts) and hand it to submit_request().

    Raises Open311Error: 400 with one error per problem, 404 for a service code
    not offered here. The request is saved with the API channel and the key's
    client name; the reporter's details are kept private, as on the web.
    """
    code = param(data, "service_code")
    if not code:
        raise Open311Error(400, gettext("service_code was not provided."))
    service = find_service(jurisdiction, code)
    lat, long = param(data, "lat"), param(data, "long")
    address, address_id = param(data, "address_string"), param(data, "address_id")
    if address_id == "#NOTPINPOINTED#":  # FixMyStreet's marker for "no exact spot": the address string says where
        address_id = ""
    problems = []
    if bool(lat) != bool(long):
        problems.append(gettext("lat and long must be given together."))
    elif not (lat or address or address_id):
        problems.append(gettext("location was not provided: give lat and long, address_string or address_id."))
    description = param(data, "description")
    if len(description) > MAX_DESCRIPTION:
        problems.append(gettext("description is longer than %d characters.") % MAX_DESCRIPTION)
    if problems:
        raise Open311Error(400, *problems)
    media_urls = [url.strip() for url in data.getlist("media_url") if url.strip()]
    media_url = _check_url(media_urls[0], "media_url") if media_urls else ""
    uploads = [upload for name in files for upload in files.getlist(name)]  # photo1, photo2… in order
    try:
        return requests_services.submit_request(
            service_type=service, channel=Channel.API, jurisdiction=jurisdiction,
            lat=lat or None, long=long or None, address=address, address_id=address_id,
            description=description, attributes=attribute_answers(data), contact_name=_name(data),
            contact_email=param(data, "email"), contact_phone=param(data, "phone"), language=language,
            uploads=uploads, media_url=media_url, device_id=param(data, "device_id") or param(data, "deviceid"),
            client_name=key.name, not_emergency=param(data, "not_emergency").lower() == "true",
            on_saved=on_saved,
        )
    except requests_services.RequestRejected as exc:
        raise rejection_error(exc) from None


def service_notice(request: ServiceRequest) -> str | None:
    """What the city promises about a new request: its SLA due time, when it has one."""
    if request.expected_at is None:
        return None
    when = request.expected_at.astimezone(request.jurisdiction.tz)
    return gettext("We aim to deal with this by %s.") % when.strftime("%Y-%m-%d %H:%M")


# --- Updates extension -----------------------------------------------------------------------------------------------

OPEN, CLOSED = Status.Kind.OPEN, Status.Kind.CLOSED
#: mySociety's update statuses: the kind each means, and our status codes it names, best first.
#: None means "leave the status alone".
UPDATE_STATUSES: dict[str, tuple[str | None, tuple[str, ...]]] = {
    "unchanged": (None, ()),
    "open": (OPEN, ()),
    "reopen": (OPEN, ()),
    "for_triage": (OPEN, ()),
    "in_progress": (OPEN, ("in_progress",)),
    "investigating": (OPEN, ("investigating",)),
    "action_scheduled": (OPEN, ("action_scheduled",)),
    "planned": (OPEN, ("action_scheduled",)),
    "closed": (CLOSED, ("fixed",)),
    "fixed": (CLOSED, ("fixed",)),
    "duplicate": (CLOSED, ("duplicate",)),
    "not_councils_responsibility": (CLOSED, ("not_councils_responsibility", "not_responsible")),
    "no_further_action": (CLOSED, ("no_further_action",)),
    "internal_referral": (CLOSED, ("internal_referral", "referred")),
    "cancelled": (CLOSED, ("cancelled",)),
}


def update_status_word(raw: str) -> str:
    """"FIXED", "in progress", "Not_Councils_Responsibility" -> the UPDATE_STATUSES key; 400 when unknown."""
    word = "_".join(raw.lower().replace("_", " ").split())
    if word not in UPDATE_STATUSES:
        raise Open311Error(400, gettext("status %s is not one we understand.") % raw[:60])
    return word


def target_status(current: Status, word: str) -> Status | None:
    """The status an update saying `word` moves a request in `current` to, or None to leave it.

    A named status the transitions allow wins; otherwise only a change of kind
    (open <-> closed) moves the request, to the first allowed status of that
    kind. Raises TransitionNotAllowed when the kind must change and cannot.
    """
    kind, codes = UPDATE_STATUSES[word]
    if kind is None:
        return None
    allowed = list(current.allowed_next.order_by("order", "code"))
    for code in codes:
        if current.code == code:
            return None
        for status in allowed:
            if status.code == code:
                return status
    if current.kind == kind:
        return None
    for status in allowed:
        if status.kind == kind:
            return status
    raise requests_services.TransitionNotAllowed(
        gettext("A request cannot move from “%(a)s” to %(b)s.") % {"a": current.name, "b": word})


def push_update(data, *, key: ApiKey, jurisdiction: Jurisdiction) -> ClientUpdate:
    """POST servicerequestupdates: apply a client's update once, however often it is sent.

    A status that changes the request goes through transition() (with the
    description as its public message); otherwise the description becomes a
    public note through add_note(). The (key, update_id) pair is stored with the
    timeline entry; a repeat returns the stored one and changes nothing.
    Raises Open311Error 400 (one error per missing field) or 404.
    """
    required = ["service_request_id", "update_id", "status", "updated_datetime"]
    missing = [gettext("%s was not provided.") % name for name in required if not param(data, name)]
    if missing:
        raise Open311Error(400, *missing)
    update_id = param(data, "update_id")
    if len(update_id) > 120:
        raise Open311Error(400, gettext("update_id is longer than 120 characters."))
    word = update_status_word(param(data, "status"))
    client_updated_at = parse_datetime(param(data, "updated_datetime"), "updated_datetime", jurisdiction.tz)
    description = param(data, "description")
    if len(description) > MAX_DESCRIPTION:
        raise Open311Error(400, gettext("description is longer than %d characters.") % MAX_DESCRIPTION)
    media_urls = [_check_url(url.strip(), "media_url") for url in data.getlist("media_url") if url.strip()]
    known = ClientUpdate.objects.filter(api_key=key, update_id=update_id).select_related("entry").first()
    if known is not None:
        return known
    request = find_request(jurisdiction, param(data, "service_request_id"))
    try:
        with transaction.atomic():
            # Updates to one request are applied one at a time, so a repeat waits and then finds the first.
            locked = ServiceRequest.objects.select_for_update(of=("self",)).select_related("status").get(pk=request.pk)
            known = ClientUpdate.objects.filter(api_key=key, update_id=update_id).select_related("entry").first()
            if known is not None:
                return known
            target = target_status(locked.status, word)
            if target is not None:
                entry = requests_services.transition(locked, target, message=description, public=True)
            elif description:
                entry = requests_services.add_note(locked, message=description, public=True)
            else:
                raise Open311Error(400, gettext("description was not provided."))
            update = ClientUpdate.objects.create(api_key=key, update_id=update_id, entry=entry,
                                                 client_updated_at=client_updated_at, media_urls=media_urls)
            locked.log_action("servicerequest.open311_update", data={
                "client": key.name, "api_key": key.prefix, "update_id": update_id, "status": word,
                "entry": entry.pk})
    except requests_services.TransitionNotAllowed as exc:
        raise Open311Error(400, str(exc)) from None
    except IntegrityError:
        # The same update arrived twice at once and the other copy won; answer with its entry.
        known = ClientUpdate.objects.filter(api_key=key, update_id=update_id).select_related("entry").first()
        if known is None:
            raise
        return known
    return update


def find_updates(jurisdiction: Jurisdiction, data: Mapping, *, exclude_key: ApiKey | None = None,
                 now: dt.datetime | None = None) -> list[TimelineEntry]:
    """GET servicerequestupdates: public status changes and notes in the window, oldest first.

    Each entry gets `status_then` (the Status in force once it was made) and
    `client_update` (the ClientUpdate behind it, if a client pushed it). A
    caller's own pushed updates are left out when it names its key.
    """
    start, end = date_window(data, jurisdiction.tz, default_span=UPDATES_DEFAULT_SPAN, now=now)
    earlier = Q(created_at__lt=OuterRef("created_at")) | Q(created_at=OuterRef("created_at"), id__lt=OuterRef("id"))
    status_then = (TimelineEntry.objects.filter(earlier, request=OuterRef("request"), status_to__isnull=False)
                   .order_by("-created_at", "-id").values("status_to")[:1])
    # Every service that adds to a timeline also sets the request's updated_at, so the requests touched since
    # `start` (found through their updated_at index) hold every entry of the window.
    entries = (among_unindexed(TimelineEntry.objects, "request__jurisdiction_id", [jurisdiction.pk])
               .filter(request__updated_at__gte=start, request__is_private=False,
                       request__service_type__is_private=False, is_public=True,
                       kind__in=[TimelineEntry.Kind.STATUS, TimelineEntry.Kind.PUBLIC_NOTE],
                       created_at__gte=start, created_at__lte=end)
               .select_related("request", "open311_update")
               .only("id", "request_id", "kind", "message", "message_code", "message_params", "status_to_id",
                     "created_at", "request__public_id", "request__status_id", "open311_update__id", "open311_update__media_urls")
               .annotate(status_then_id=Subquery(status_then)))
    if exclude_key is not None:
        entries = entries.exclude(open311_update__api_key=exclude_key)
    page = page_of(data)
    found = list(entries.order_by("created_at", "id")[page.slice])
    statuses = Status.objects.in_bulk() if found else {}
    for entry in found:
        # Every request starts with a status entry; the current status covers rows loaded without one.
        entry.status_then = (statuses.get(entry.status_to_id or entry.status_then_id)
                             or statuses[entry.request.status_id])
        entry.client_update = getattr(entry, "open311_update", None)
    return found
