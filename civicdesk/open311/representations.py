"""CivicDesk objects as Open311 documents, with the spec's names, order and types.

Ids and codes are strings, lat/long numbers, booleans real booleans; every
optional key is present (None: `null` in JSON, an empty element in XML).
Nothing private ever goes in: no contact details, no internal notes, no hidden photos.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from civicdesk.catalog.models import ServiceAttribute, ServiceType, Status
from civicdesk.servicerequests.models import ServiceRequest, TimelineEntry

from .renderers import ListOf
from .services import MAX_DESCRIPTION, MAX_REQUESTS, format_datetime

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
#: When the endpoint's behaviour last changed (discovery's `changeset`); bump it with such changes.
CHANGESET = "2025-06-01T00:00:00Z"


def _blank_to_none(value: str | None) -> str | None:
    return value if value else None


def keywords(text: str) -> str | None:
    """Keywords as the spec's comma-separated string, without the spaces staff type after commas."""
    words = [word.strip() for word in (text or "").split(",") if word.strip()]
    return ",".join(words) or None


def service(item: ServiceType) -> dict:
    """One `<service>` of GET services. `item` carries `has_attributes` (see services.offered_services)."""
    return {
        "service_code": item.code,
        "service_name": item.name,
        "description": _blank_to_none(item.description),
        "metadata": bool(item.has_attributes),
        "type": "realtime",
        "keywords": keywords(item.keywords),
        "group": item.group.name if item.group_id else None,
    }


def services(items) -> ListOf:
    return ListOf("service", [service(item) for item in items])


def attribute(item: ServiceAttribute, position: int) -> dict:
    """One `<attribute>` of a service definition. `order` is the position (1 first), unique as the spec wants."""
    document = {
        "variable": item.variable,
        "code": item.code,
        "datatype": item.datatype,
        "required": item.required,
        "datatype_description": _blank_to_none(item.datatype_description),
        "order": position,
        "description": item.description,
    }
    if item.has_values:
        document["values"] = ListOf("value", [{"key": value.key, "name": value.name} for value in item.values.all()])
    return document


def service_definition(item: ServiceType, attributes: list[ServiceAttribute]) -> dict:
    return {
        "service_code": item.code,
        "attributes": ListOf("attribute", [attribute(a, i) for i, a in enumerate(attributes, start=1)]),
    }


def photo_url(request: ServiceRequest, attachment) -> str:
    return settings.SITE_URL + reverse("servicerequests:attachment", args=[request.public_id, attachment.pk])


def media_url(request: ServiceRequest) -> str | None:
    """The URL a client gave, else the first visible photo's; hidden photos never appear."""
    if request.media_url:
        return request.media_url
    photos = request.public_photos
    return photo_url(request, photos[0]) if photos else None


def request(item: ServiceRequest, *, extensions: bool = False, labels: dict[str, str] | None = None) -> dict:
    """One `<request>` of GET requests, in the spec's field order.

    `item` comes from services.find_requests() (status notes, photos and
    zipcode already fetched). With `extensions`, adds `attributes` (answers),
    `extended_attributes` (channel, photos) and `notes` (the public timeline).
    """
    tz = item.jurisdiction.tz
    is_open = item.status.kind == Status.Kind.OPEN
    # Snapped and without an address for a sensitive service type (ServiceRequest.public_point()).
    lat, long = item.public_point()
    sensitive = item.service_type.is_sensitive
    document = {
        "service_request_id": item.public_id,
        "status": item.status.kind,
        "status_notes": item.public_text(item.status_notes) if item.status_notes else None,
        "service_name": item.service_type.name,
        "service_code": item.service_type.code,
        "description": _blank_to_none(item.public_description()[:MAX_DESCRIPTION]),
        "agency_responsible": item.department.name if item.department_id else item.jurisdiction.name,
        "service_notice": None,
        "requested_datetime": format_datetime(item.requested_at, tz),
        "updated_datetime": format_datetime(item.updated_at if is_open or not item.closed_at else item.closed_at, tz),
        "expected_datetime": format_datetime(item.expected_at, tz),
        "address": _blank_to_none(item.public_address()),
        "address_id": None if sensitive else _blank_to_none(item.address_id),
        "zipcode": item.zipcode,
        "lat": lat,
        "long": long,
        "media_url": media_url(item),
    }
    if extensions:
        document.update(_extensions(item, tz, labels if labels is not None else kind_labels()))
    return document


def _answer(value):
    if isinstance(value, list):
        return ListOf("key", [str(v) for v in value])
    return value


def _extensions(item: ServiceRequest, tz, labels: dict[str, str]) -> dict:
    questions = {question.code: question for question in item.service_type.attributes.all()}
    answers = []
    for code, value in item.attributes.items():
        question = questions.get(code)
        if question is None:
            continue  # an answer to a question since removed from the catalogue
        # Not `labels`: that name holds the timeline kinds the notes below are described with.
        choice_labels = {choice.key: choice.name for choice in question.values.all()}
        keys = value if isinstance(value, list) else [value]
        answers.append({"code": code, "label": question.description, "value": _answer(value),
                        "name": ", ".join(choice_labels.get(str(key), str(key)) for key in keys)})
    photos = ListOf("photo", [{
        "media_url": photo_url(item, photo), "content_type": photo.content_type, "width": photo.width,
        "height": photo.height, "created_at": format_datetime(photo.created_at, tz),
    } for photo in item.public_photos])
    notes = ListOf("note", [note(entry, tz, labels) for entry in item.public_entries])
    return {
        "attributes": ListOf("attribute", answers),
        "extended_attributes": {"channel": item.channel, "photos": photos},
        "notes": notes,
    }


def note(entry: TimelineEntry, tz, labels: dict[str, str]) -> dict:
    """One public timeline entry, as the `notes` extension lists them. `labels` names each kind."""
    summary = labels.get(entry.kind, entry.kind)
    if entry.kind == TimelineEntry.Kind.STATUS and entry.status_to is not None:
        summary = f"{summary}: {entry.status_to.name}"
    return {
        "datetime": format_datetime(entry.created_at, tz),
        "type": entry.kind,
        "summary": summary,
        "description": _blank_to_none(entry.public_message()),
    }


def kind_labels() -> dict[str, str]:
    """Timeline kinds in the active language, translated once per answer rather than once per note."""
    return {value: str(label) for value, label in TimelineEntry.Kind.choices}


def service_requests(items, *, extensions: bool = False) -> ListOf:
    labels = kind_labels() if extensions else {}
    return ListOf("request", [request(item, extensions=extensions, labels=labels) for item in items])


def created(item: ServiceRequest, notice: str | None) -> ListOf:
    """The answer to POST requests: a realtime id (never a token with it), a notice, no account."""
    return ListOf("request", [{"service_request_id": item.public_id, "service_notice": notice, "account_id": None}])


def token(item: ServiceRequest, value: str) -> ListOf:
    return ListOf("request", [{"service_request_id": item.public_id, "token": value}])


def request_update(entry: TimelineEntry, tz) -> dict:
    """One `<request_update>` of GET servicerequestupdates (mySociety's updates extension).

    `status` is the basic open/closed; `external_status_code` names our status.
    """
    status = entry.status_then
    urls = entry.client_update.media_urls if entry.client_update is not None else []
    return {
        "update_id": str(entry.pk),
        "service_request_id": entry.request.public_id,
        "status": status.kind if status else None,
        "updated_datetime": format_datetime(entry.created_at, tz),
        "description": _blank_to_none(entry.public_message()[:MAX_DESCRIPTION]),
        "media_url": urls[0] if urls else None,
        "external_status_code": status.code if status else None,
    }


def request_updates(entries, tz) -> ListOf:
    return ListOf("request_update", [request_update(entry, tz) for entry in entries])


def update_received(update) -> ListOf:
    """The answer to POST servicerequestupdates: our id for the update."""
    return ListOf("request_update", [{"update_id": str(update.entry_id)}])


def discovery(*, contact: str, key_service: str, urls: list[str], production: bool) -> dict:
    """Service discovery: one endpoint per base URL (in the order given), each in both formats."""
    return {
        "changeset": CHANGESET,
        "contact": contact,
        "key_service": key_service,
        "endpoints": ListOf("endpoint", [{
            "specification": SPECIFICATION,
            "url": url,
            "changeset": CHANGESET,
            "type": "production" if production else "test",
            "formats": ListOf("format", ["text/xml", "application/json"]),
        } for url in urls]),
        "max_requests": MAX_REQUESTS,
    }
