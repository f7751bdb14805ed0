"""FixMyStreet's Open311 client, replayed: its exact request bodies, and our XML read the way it reads it.

Bodies are built field by field as perllib/Open311.pm sends them (GEOREPORT.md
3.6): form-encoded by LWP (spaces as "+"), or multipart with LWP's boundary
and photo parts; every attribute of our definition is sent, blank ones as "",
multi-value answers as repeated `attribute[CODE]` without "[]".
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

import pytest
from django.utils import timezone

from civicdesk.catalog.models import AttributeValue, ServiceAttribute
from civicdesk.servicerequests.models import Attachment, ServiceRequest

from .conftest import ELM, jpeg

ENDPOINT = "/open311/v2/"  # FixMyStreet needs the trailing slash: it appends "requests.xml" to it
UK_DESCRIPTION = ("title: Pothole outside number 12\n\ndetail: It is about a foot across and getting deeper.\n\n"
                  "url: https://fms.example.org/report/4321\n\nSubmitted via FixMyStreet\n")


@pytest.fixture
def fms_definition(world):
    """Pothole's questions as a city set them up for FixMyStreet: FMS's hidden fields included."""
    lanes = ServiceAttribute.objects.create(service_type=world.pothole, code="lanes", description="Which lanes?",
                                            datatype="multivaluelist", order=2)
    for key, name in (("1", "Northbound"), ("2", "Southbound"), ("3", "Bus lane")):
        AttributeValue.objects.create(attribute=lanes, key=key, name=name)
    ServiceAttribute.objects.create(service_type=world.pothole, code="notes", description="Anything else?",
                                    datatype="text", order=3)
    for order, code in enumerate(("fixmystreet_id", "closest_address"), start=4):
        ServiceAttribute.objects.create(service_type=world.pothole, code=code, description=code, variable=False,
                                        order=order)


def fms_fields(key: str) -> list[tuple[str, str]]:
    """POST requests.xml as FixMyStreet builds it for a pinned report with a UK-style description."""
    return [
        ("service_code", "pothole"), ("description", UK_DESCRIPTION), ("first_name", "Alice"),
        ("last_name", "van der Berg"), ("email", "alice@example.org"), ("lat", "3.000000"), ("long", "3.500000"),
        ("attribute[depth]", "deep"), ("attribute[lanes]", "1"), ("attribute[lanes]", "3"), ("attribute[notes]", ""),
        ("attribute[fixmystreet_id]", "4321"), ("attribute[closest_address]", "12 Oak Street"),
        ("attribute[uprn]", "100023336956"), ("jurisdiction_id", ELM), ("api_key", key),
    ]


def lwp_multipart(fields: list[tuple[str, str]], photos: list[tuple[str, bytes]]) -> bytes:
    """A form-data body as LWP writes it (HTTP::Request::Common, boundary xYzZY)."""
    parts = [f'--xYzZY\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
             for name, value in fields]
    parts += [f'--xYzZY\r\nContent-Disposition: form-data; name="{name}"; filename="{name}.jpeg"\r\n'
              f"Content-Type: image/jpeg\r\n\r\n".encode() + content + b"\r\n" for name, content in photos]
    return b"".join(parts) + b"--xYzZY--\r\n"


def test_it_syncs_the_service_list_the_way_fixmystreet_does(api, world, fms_definition):
    services = api.get("services.xml", {"jurisdiction_id": ELM}).doc["service"]
    assert all(s["service_code"] and s["service_name"] == s["service_name"].rstrip() for s in services)
    with_questions = [s["service_code"] for s in services if (s["metadata"] or "").lower() == "true"]
    assert with_questions == ["pothole"]
    meta = api.get("services/pothole.xml", {"jurisdiction_id": ELM}).doc
    attributes = meta["attributes"]
    assert isinstance(attributes, list) and attributes  # FMS refuses a definition without a list of attributes
    assert [(a["code"], a["order"], a["required"], a["variable"]) for a in attributes] == [
        ("depth", "1", "true", "true"), ("lanes", "2", "false", "true"), ("notes", "3", "false", "true"),
        ("fixmystreet_id", "4", "false", "false"), ("closest_address", "5", "false", "false")]
    assert attributes[1]["values"] == [{"key": "1", "name": "Northbound"}, {"key": "2", "name": "Southbound"},
                                       {"key": "3", "name": "Bus lane"}]
    assert attributes[2]["datatype_description"] is None and "values" not in attributes[2]


def test_it_accepts_fixmystreets_form_encoded_report(api, world, key, fms_definition):
    body = urlencode(fms_fields(key) + [("media_url", "https://fms.example.org/photo/4321.0.full.jpeg")])
    answer = api.post("requests.xml", body, content_type="application/x-www-form-urlencoded; charset=utf-8")
    assert answer.status == 200
    service_request_id = answer.doc["request"][0]["service_request_id"]  # exactly what FMS reads
    created = ServiceRequest.objects.get(public_id=service_request_id)
    assert created.description == UK_DESCRIPTION.strip()
    assert created.attributes == {"depth": "deep", "lanes": ["1", "3"], "fixmystreet_id": "4321",
                                  "closest_address": "12 Oak Street"}
    assert (created.contact_name, created.contact_email, created.lat, created.long) == (
        "Alice van der Berg", "alice@example.org", 3.0, 3.5)
    assert created.media_url == "https://fms.example.org/photo/4321.0.full.jpeg"


def test_it_accepts_fixmystreets_multipart_report_with_photo_parts(api, world, key, fms_definition):
    photos = [("photo1", jpeg().read()), ("photo2", jpeg(colour=(10, 200, 10)).read())]
    body = lwp_multipart(fms_fields(key), photos)
    answer = api.post("requests.xml", body, content_type="multipart/form-data; boundary=xYzZY")
    assert answer.status == 200
    created = ServiceRequest.objects.get(public_id=answer.doc["request"][0]["service_request_id"])
    assert created.attributes["lanes"] == ["1", "3"] and created.media_url == ""
    assert Attachment.objects.filter(request=created, kind="photo", hidden=False).count() == 2
    shown = api.get(f"requests/{created.public_id}.xml", {"jurisdiction_id": ELM}).doc["request"][0]
    assert shown["media_url"].endswith(f"/requests/{created.public_id}/media/"
                                       f"{Attachment.objects.filter(request=created).first().pk}")


def test_it_accepts_the_default_description_format_and_blank_answers(api, world, key):
    fields = [("service_code", "pothole"), ("description", "Pothole\n\nDeep one\n\nhttps://fms.example.org/report/9\n"),
              ("first_name", "Bob"), ("last_name", ""), ("lat", "3.000000"), ("long", "3.500000"),
              ("attribute[depth]", "shallow"), ("jurisdiction_id", ELM), ("api_key", key)]
    answer = api.post("requests.xml", urlencode(fields), content_type="application/x-www-form-urlencoded")
    created = ServiceRequest.objects.get(public_id=answer.doc["request"][0]["service_request_id"])
    assert created.description == "Pothole\n\nDeep one\n\nhttps://fms.example.org/report/9"
    assert created.contact_name == "Bob"


def test_it_reports_errors_where_fixmystreet_looks_for_them(api, world, key):
    fields = [(name, "" if name == "attribute[depth]" else value) for name, value in fms_fields(key)]
    answer = api.post("requests.xml", urlencode(fields), content_type="application/x-www-form-urlencoded")
    assert answer.status == 400
    assert answer.doc["error"] == [{"code": "400",
                                    "description": "attribute[depth]: Please answer “How deep is it?”."}]


def test_it_gives_fixmystreets_problem_fetch_every_field_it_needs(api, world, key):
    api.post("requests.xml", urlencode(fms_fields(key)), content_type="application/x-www-form-urlencoded")
    now = timezone.now()
    window = {"start_date": (now - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
              "end_date": (now + dt.timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%SZ"), "jurisdiction_id": ELM}
    requests = api.get("requests.xml", window).doc["request"]
    assert len(requests) == 1
    for name in ("service_request_id", "lat", "long", "updated_datetime", "requested_datetime", "service_code",
                 "service_name", "status", "description"):
        assert requests[0][name], name
    assert "media_url" in requests[0]
    updated = dt.datetime.fromisoformat(requests[0]["updated_datetime"])
    assert now - dt.timedelta(hours=1) <= updated <= now + dt.timedelta(minutes=1)


def test_it_takes_fixmystreets_updates_and_gives_them_back_in_its_window(api, world, key):
    created = api.post("requests.xml", urlencode(fms_fields(key)), content_type="application/x-www-form-urlencoded")
    service_request_id = created.doc["request"][0]["service_request_id"]
    now = timezone.now()
    update = [("jurisdiction_id", ELM), ("api_key", key), ("updated_datetime", now.strftime("%Y-%m-%dT%H:%M:%SZ")),
              ("service_request_id", service_request_id), ("status", "CLOSED"), ("description", "Fixed it myself"),
              ("first_name", "Alice"), ("last_name", "-"), ("email", "alice@example.org"), ("update_id", "77")]
    pushed = api.post("servicerequestupdates.xml", urlencode(update), content_type="application/x-www-form-urlencoded")
    assert pushed.doc["request_update"][0]["update_id"]  # FMS treats an empty <update_id/> as failure
    window = {"start_date": (now - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
              "end_date": (now + dt.timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%SZ"), "jurisdiction_id": ELM}
    listed = api.get("servicerequestupdates.xml", window).doc["request_update"]
    assert [(u["service_request_id"], u["status"], u["description"]) for u in listed] == [
        (service_request_id, "closed", "Fixed it myself")]
    assert listed[0]["update_id"] == pushed.doc["request_update"][0]["update_id"]
