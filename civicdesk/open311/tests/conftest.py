"""Fixtures for the Open311 tests: an API key, a client that checks every answer, photos."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from typing import Any

import jsonschema
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from PIL import Image

from civicdesk.open311 import schemas
from civicdesk.open311.services import issue_api_key
from civicdesk.testing.world import IN_EAST_ELM

from .fms import xml_simple

BASE = "/open311/v2/"
ELM = "elm.example.gov"


def schema_for(method: str, path: str, status: int) -> dict:
    """The JSON Schema an answer to `method path` must match: an error list unless it is a 2xx."""
    if not 200 <= status < 300:
        return schemas.ERRORS
    resource = path.split("?")[0].rsplit(".", 1)[0]
    if resource.startswith("services/"):
        return schemas.SERVICE_DEFINITION
    if resource.startswith("requests/"):
        return schemas.SINGLE_REQUEST
    if resource.startswith("tokens/"):
        return schemas.TOKEN
    return {
        ("GET", "discovery"): schemas.DISCOVERY, ("GET", "services"): schemas.SERVICES,
        ("GET", "requests"): schemas.REQUESTS, ("POST", "requests"): schemas.CREATED,
        ("GET", "servicerequestupdates"): schemas.UPDATES, ("POST", "servicerequestupdates"): schemas.UPDATE_RECEIVED,
    }[(method, resource)]


def check_answer(method: str, path: str, response) -> Any:
    """Check the content type and, for JSON, the schema; return the parsed document (XML read as FMS does)."""
    fmt = path.split("?")[0].rsplit(".", 1)[-1]
    content_type = response.headers["Content-Type"]
    body = response.content
    if fmt == "json":
        assert content_type == "application/json; charset=utf-8"
        document = json.loads(body.decode("utf-8"))
        jsonschema.validate(document, schema_for(method, path, response.status_code),
                            format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
        return document
    assert content_type == "text/xml; charset=utf-8"
    return xml_simple(body)


@dataclass
class Answer:
    status: int
    doc: Any
    response: Any


class Open311Client:
    """Django's test client on the Open311 base URL; every answer's format is checked on the way back."""

    def __init__(self, client):
        self.client = client

    def get(self, path: str, params: dict | None = None, **extra) -> Answer:
        response = self.client.get(BASE + path, params or {}, **extra)
        return Answer(response.status_code, check_answer("GET", path, response), response)

    def post(self, path: str, data: Any = None, *, content_type: str | None = None, **extra) -> Answer:
        kwargs = {"content_type": content_type} if content_type else {}
        response = self.client.post(BASE + path, data, **kwargs, **extra)
        return Answer(response.status_code, check_answer("POST", path, response), response)


@pytest.fixture(scope="session")
def shared_client():
    """One test client for the whole session: the API keeps no cookies, and building a client's
    middleware makes WhiteNoise index every collected static file (seconds each time)."""
    from django.test import Client

    return Client()


@pytest.fixture
def api(shared_client, db) -> Open311Client:
    return Open311Client(shared_client)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def key(world) -> str:
    """A key for every jurisdiction with no rate limit."""
    return issue_api_key(name="Test app", rate_limit_per_minute=0)[1]


@pytest.fixture
def wsgi_app(db):
    """The real WSGI application, minus what Django's test client also switches off: closing the
    database connection as a request starts and ends (it would close the test's transaction)."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        for signal in (request_started, request_finished):
            signal.connect(close_old_connections)


@pytest.fixture
def real_key(world) -> str:
    return issue_api_key(name="Schemathesis", rate_limit_per_minute=0)[1]


def pothole_form(key: str, **overrides) -> dict:
    """A valid POST requests form for a pothole in East Elm."""
    form = {"api_key": key, "jurisdiction_id": ELM, "service_code": "pothole", "lat": str(IN_EAST_ELM[0]),
            "long": str(IN_EAST_ELM[1]), "attribute[depth]": "deep", "description": "Deep hole by the bus stop"}
    form.update(overrides)
    return {name: value for name, value in form.items() if value is not None}


def jpeg(name: str = "photo1.jpg", colour=(200, 40, 40)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def report(world, **overrides):
    """A request submitted the way the web does it (pothole in East Elm unless overridden)."""
    from civicdesk.servicerequests.services import submit_request

    data = dict(service_type=world.pothole, lat=IN_EAST_ELM[0], long=IN_EAST_ELM[1], attributes={"depth": "deep"},
                description="Hole next to the library steps", contact_name="Zed Quimby",
                contact_email="zed.quimby@example.org", contact_phone="555-0199")
    data.update(overrides)
    return submit_request(**data)


def bulk_requests(world, count: int, *, when, service_type=None, step=None):
    """`count` stored requests (no timeline), one `step` apart going back from `when`: for sizes, not behaviour."""
    import datetime as dt

    from civicdesk.catalog.models import Status
    from civicdesk.lib.ids import new_public_id
    from civicdesk.servicerequests.models import ServiceRequest

    step = step or dt.timedelta(minutes=1)
    initial = Status.initial()
    rows = [ServiceRequest(public_id=new_public_id(), jurisdiction=world.elm,
                           service_type=service_type or world.graffiti,
                           status=initial, is_open=True, lat=IN_EAST_ELM[0], long=IN_EAST_ELM[1],
                           requested_at=when - step * n, updated_at=when - step * n, department=world.public_works)
            for n in range(count)]
    return ServiceRequest.objects.bulk_create(rows)
