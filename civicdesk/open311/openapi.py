"""The OpenAPI 3.1 document of the Open311 JSON endpoints, served at /open311/v2/openapi.json.

Hand-written from the same JSON Schemas the tests validate responses with
(schemas.py); the XML twins of every path behave the same and are listed in
the description only.
"""

from __future__ import annotations

import copy

from . import schemas

_ERROR_RESPONSES = {
    "400": "A required parameter is missing or a value is invalid (one error per problem).",
    "403": "api_key is missing, invalid, revoked or not valid for this jurisdiction.",
    "404": "The jurisdiction, service code, request or token is unknown.",
    "405": "The method is not allowed on this path.",
    "429": "This api_key made too many calls this minute; see the Retry-After header.",
}


def _parameter(name: str, description: str, schema: dict, where: str = "query", required: bool = False) -> dict:
    return {"name": name, "in": where, "required": required, "description": description, "schema": schema}


JURISDICTION = _parameter("jurisdiction_id", "The jurisdiction (e.g. the city's domain). Optional when the "
                          "deployment serves one jurisdiction; unknown ones are 404.", {"type": "string"})
_REQUEST_FILTERS = [
    JURISDICTION,
    _parameter("service_request_id", "Comma-separated ids; overrides every other filter.", {"type": "string"}),
    _parameter("service_code", "Comma-separated service codes (default all).", {"type": "string"}),
    _parameter("status", "open, closed or open,closed (default all).", {"type": "string"}),
    _parameter("start_date", "W3C datetime; requested on or after. Default: 90 days before end_date.",
               {"type": "string", "format": "date-time"}),
    _parameter("end_date", "W3C datetime; requested on or before. The range may span at most 90 days.",
               {"type": "string", "format": "date-time"}),
    _parameter("page", "Page number, from 1 (extension).", {"type": "integer", "minimum": 1}),
    _parameter("page_size", "Requests per page, at most 1000 (default 1000; extension).",
               {"type": "integer", "minimum": 1}),
    _parameter("extensions", "true adds attributes, extended_attributes and notes.", {"type": "boolean"}),
]
_CREATE_FIELDS = {
    "api_key": {"type": "string", "description": "Your key (required)."},
    "jurisdiction_id": {"type": "string"},
    "service_code": {"type": "string", "description": "Required."},
    "lat": {"type": "number", "minimum": -90, "maximum": 90, "description": "With long, or give an address."},
    "long": {"type": "number", "minimum": -180, "maximum": 180},
    "address_string": {"type": "string"},
    "address_id": {"type": "string"},
    "email": {"type": "string"},
    "device_id": {"type": "string"},
    "account_id": {"type": "string"},
    "first_name": {"type": "string"},
    "last_name": {"type": "string"},
    "phone": {"type": "string"},
    "description": {"type": "string", "maxLength": 4000},
    "media_url": {"type": "string"},
    "not_emergency": {"type": "boolean", "description": "CivicDesk extension: the reporter confirmed this is not "
                                                        "an emergency although its words sound like one."},
}
_UPDATE_FIELDS = {
    "api_key": {"type": "string", "description": "Your key (required)."},
    "jurisdiction_id": {"type": "string"},
    "service_request_id": {"type": "string"},
    "update_id": {"type": "string", "description": "Your own id of the update; a repeat is answered, not applied."},
    "status": {"type": "string", "description": "OPEN, CLOSED or one of mySociety's extended statuses."},
    "updated_datetime": {"type": "string", "format": "date-time"},
    "description": {"type": "string", "maxLength": 4000},
    "media_url": {"type": "string"},
}


def _json(schema: dict) -> dict:
    return {"application/json": {"schema": copy.deepcopy(schema)}}


def _operation(summary: str, ok: dict, errors: list[str], parameters: list | None = None, body: dict | None = None,
               required_fields: list[str] | None = None) -> dict:
    responses = {"200": {"description": "OK", "content": _json(ok)}}
    for status in errors:
        responses[status] = {"description": _ERROR_RESPONSES[status], "content": _json(schemas.ERRORS)}
    operation = {"summary": summary, "parameters": parameters or [], "responses": responses}
    if body is not None:
        schema = {"type": "object", "properties": body, "required": required_fields or []}
        operation["requestBody"] = {"required": True, "content": {
            "application/x-www-form-urlencoded": {"schema": schema},
            "multipart/form-data": {"schema": copy.deepcopy(schema)},
        }}
    return operation


def openapi_document(base_url: str) -> dict:
    """The OpenAPI document, with `base_url` (…/open311/v2, no trailing slash) as its server."""
    code = _parameter("service_code", "A service code.", {"type": "string"}, where="path", required=True)
    request_id = _parameter("service_request_id", "A request id.", {"type": "string"}, where="path", required=True)
    token = _parameter("token", "A token (here, the request id: requests are created in real time).",
                       {"type": "string"}, where="path", required=True)
    updates_window = [JURISDICTION,
                      _parameter("start_date", "W3C datetime (default: 2 hours before end_date).",
                                 {"type": "string", "format": "date-time"}),
                      _parameter("end_date", "W3C datetime (default: now).", {"type": "string", "format": "date-time"}),
                      _parameter("api_key", "Optional: your own pushed updates are then left out.", {"type": "string"}),
                      _parameter("page", "Page number, from 1.", {"type": "integer", "minimum": 1}),
                      _parameter("page_size", "Updates per page, at most 1000.", {"type": "integer", "minimum": 1})]
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "CivicDesk Open311 GeoReport v2",
            "version": "2",
            "description": "The JSON endpoints of GeoReport v2 (http://wiki.open311.org/GeoReport_v2) with the "
                           "page/page_size and extensions=true extensions and mySociety's servicerequestupdates. "
                           "Every path also answers in XML with .xml instead of .json. Errors are always a list "
                           "of {code, description}. Reading needs no key; POSTs need api_key. Answers to a "
                           "service's questions go in attribute[CODE] form fields (repeat the field, or use "
                           "attribute[CODE][], for a multivaluelist).",
        },
        "servers": [{"url": base_url}],
        "paths": {
            "/discovery.json": {"get": _operation("Service discovery", schemas.DISCOVERY, [])},
            "/services.json": {"get": _operation("List service types", schemas.SERVICES, ["400", "404"],
                                                 [JURISDICTION])},
            "/services/{service_code}.json": {"get": _operation(
                "Service definition (its questions)", schemas.SERVICE_DEFINITION, ["400", "404"],
                [code, JURISDICTION])},
            "/requests.json": {
                "get": _operation("Find requests", schemas.REQUESTS, ["400", "404"], _REQUEST_FILTERS),
                "post": _operation("Create a request", schemas.CREATED, ["400", "403", "404", "429"],
                                   body=_CREATE_FIELDS, required_fields=["api_key", "service_code"]),
            },
            "/requests/{service_request_id}.json": {"get": _operation(
                "One request", schemas.SINGLE_REQUEST, ["400", "404"],
                [request_id, JURISDICTION, _REQUEST_FILTERS[-1]])},
            "/tokens/{token}.json": {"get": _operation("The request a token stands for", schemas.TOKEN,
                                                       ["400", "404"], [token, JURISDICTION])},
            "/servicerequestupdates.json": {
                "get": _operation("Updates in a time window", schemas.UPDATES, ["400", "404"], updates_window),
                "post": _operation("Push an update (idempotent on update_id)", schemas.UPDATE_RECEIVED,
                                   ["400", "403", "404", "429"], body=_UPDATE_FIELDS,
                                   required_fields=["api_key", "service_request_id", "update_id", "status",
                                                    "updated_datetime"]),
            },
        },
    }
