"""JSON Schemas (draft 2020-12) of every Open311 JSON document, written from the GeoReport v2 spec.

Typing follows the open311 schema-validation project (spec digest 1.6): ids,
codes, tokens and keys are strings; lat/long numbers; `order` an integer;
`metadata`, `variable` and `required` booleans. Where the spec lets a key be
absent CivicDesk always sends it (null when empty), so these schemas require
every key, and forbid any other: nothing undeclared, such as contact
details, can slip into a response. The OpenAPI document and the tests share them.
"""

from __future__ import annotations

W3C_DATETIME = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$"
STRING_OR_NULL = {"type": ["string", "null"]}
DATETIME = {"type": "string", "pattern": W3C_DATETIME}
DATETIME_OR_NULL = {"type": ["string", "null"], "pattern": W3C_DATETIME}
URL_OR_NULL = {"type": ["string", "null"], "pattern": r"^https?://\S+$"}
CODE = {"type": "string", "pattern": r"^[A-Za-z0-9_-]+$"}
DATATYPES = ["string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"]


def _object(properties: dict, required: list[str] | None = None) -> dict:
    return {"type": "object", "properties": properties, "required": list(properties) if required is None else required,
            "additionalProperties": False}


def _array(items: dict, **extra) -> dict:
    return {"type": "array", "items": items, **extra}


SERVICE = _object({
    "service_code": CODE,
    "service_name": {"type": "string", "minLength": 1},
    "description": STRING_OR_NULL,
    "metadata": {"type": "boolean"},
    "type": {"enum": ["realtime", "batch", "blackbox"]},
    "keywords": STRING_OR_NULL,
    "group": STRING_OR_NULL,
})
SERVICES = _array(SERVICE)

VALUE = _object({"key": {"type": "string"}, "name": {"type": "string"}})
ATTRIBUTE = _object({
    "variable": {"type": "boolean"},
    "code": CODE,
    "datatype": {"enum": DATATYPES},
    "required": {"type": "boolean"},
    "datatype_description": STRING_OR_NULL,
    "order": {"type": "integer", "minimum": 1},
    "description": {"type": "string"},
    "values": _array(VALUE),
}, required=["variable", "code", "datatype", "required", "datatype_description", "order", "description"])
SERVICE_DEFINITION = _object({"service_code": CODE, "attributes": _array(ATTRIBUTE)})

ANSWER = _object({
    "code": CODE,
    "label": {"type": "string"},
    "value": {"type": ["string", "number", "array"], "items": {"type": "string"}},
    "name": {"type": "string"},
})
PHOTO = _object({
    "media_url": {"type": "string", "pattern": r"^https?://\S+$"},
    "content_type": {"type": "string"},
    "width": {"type": ["integer", "null"]},
    "height": {"type": ["integer", "null"]},
    "created_at": DATETIME,
})
NOTE = _object({"datetime": DATETIME, "type": {"type": "string"}, "summary": {"type": "string"},
                "description": STRING_OR_NULL})
_REQUEST_FIELDS = {
    "service_request_id": {"type": "string", "minLength": 1},
    "status": {"enum": ["open", "closed"]},
    "status_notes": STRING_OR_NULL,
    "service_name": {"type": "string"},
    "service_code": CODE,
    "description": {"type": ["string", "null"], "maxLength": 4000},
    "agency_responsible": STRING_OR_NULL,
    "service_notice": STRING_OR_NULL,
    "requested_datetime": DATETIME,
    "updated_datetime": DATETIME_OR_NULL,
    "expected_datetime": DATETIME_OR_NULL,
    "address": STRING_OR_NULL,
    "address_id": STRING_OR_NULL,
    "zipcode": STRING_OR_NULL,
    "lat": {"type": "number", "minimum": -90, "maximum": 90},
    "long": {"type": "number", "minimum": -180, "maximum": 180},
    "media_url": URL_OR_NULL,
}
#: With extensions=true a request also carries these three.
_EXTENSION_FIELDS = {
    "attributes": _array(ANSWER),
    "extended_attributes": _object({"channel": {"type": "string"}, "photos": _array(PHOTO)}),
    "notes": _array(NOTE),
}
REQUEST = _object({**_REQUEST_FIELDS, **_EXTENSION_FIELDS}, required=list(_REQUEST_FIELDS))
REQUESTS = _array(REQUEST)
SINGLE_REQUEST = _array(REQUEST, minItems=1, maxItems=1)

CREATED = _array(_object({
    "service_request_id": {"type": "string", "minLength": 1},
    "service_notice": STRING_OR_NULL,
    "account_id": STRING_OR_NULL,
}), minItems=1, maxItems=1)
TOKEN = _array(_object({"service_request_id": {"type": "string", "minLength": 1}, "token": {"type": "string"}}),
               minItems=1, maxItems=1)

UPDATE = _object({
    "update_id": {"type": "string", "minLength": 1},
    "service_request_id": {"type": "string", "minLength": 1},
    "status": {"enum": ["open", "closed"]},
    "updated_datetime": DATETIME,
    "description": STRING_OR_NULL,
    "media_url": URL_OR_NULL,
    "external_status_code": STRING_OR_NULL,
})
UPDATES = _array(UPDATE)
UPDATE_RECEIVED = _array(_object({"update_id": {"type": "string", "minLength": 1}}), minItems=1, maxItems=1)

DISCOVERY = _object({
    "changeset": DATETIME,
    "contact": {"type": "string"},
    "key_service": {"type": "string"},
    "endpoints": _array(_object({
        "specification": {"const": "http://wiki.open311.org/GeoReport_v2"},
        "url": {"type": "string", "pattern": r"^https?://\S+/$"},
        "changeset": DATETIME,
        "type": {"enum": ["production", "test"]},
        "formats": _array({"enum": ["text/xml", "application/json"]}, minItems=1),
    }), minItems=1),
    "max_requests": {"type": "integer", "minimum": 1},
})

ERRORS = _array(_object({"code": {"type": "integer"}, "description": {"type": "string", "minLength": 1}}),
                minItems=1)
