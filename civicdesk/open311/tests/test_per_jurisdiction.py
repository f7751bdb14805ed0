"""One Open311 base URL per jurisdiction (/open311/v2/j/<slug>/): jurisdiction_id implied, everything else the same.

The acceptance runs the clients the suite already uses (FixMyStreet's requests
replayed, the `georeport` package from PyPI) against the demo city's two
jurisdictions with no jurisdiction_id at all.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

import jsonschema
import pytest
import requests
import schemathesis
from django.utils import timezone
from georeport import GeoReport
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from civicdesk.catalog.models import ServiceType
from civicdesk.cities.riverbend import Riverbend
from civicdesk.jurisdictions.models import AddressPoint, Jurisdiction
from civicdesk.jurisdictions.services import clear_caches
from civicdesk.open311 import schemas
from civicdesk.open311.openapi import openapi_document
from civicdesk.open311.services import issue_api_key
from civicdesk.servicerequests.models import ServiceRequest
from civicdesk.testing.world import IN_EAST_ELM, ensure_default_statuses

from .conftest import ELM, check_answer, pothole_form, report

ELM_BASE = "/open311/v2/j/elm/"


def _resource(path: str) -> str:
    """The path below the base URL (shared or per-jurisdiction), which names the answer's schema."""
    below = path.removeprefix("/open311/v2/")
    return below.split("/", 2)[2] if below.startswith("j/") else below


def get(client, path: str, params: dict | None = None):
    response = client.get(path, params or {})
    return response.status_code, check_answer("GET", _resource(path), response)


def post(client, path: str, body: str):
    response = client.post(path, body, content_type="application/x-www-form-urlencoded")
    return response.status_code, check_answer("POST", _resource(path), response)


def test_it_lists_every_jurisdictions_base_url_in_discovery(shared_client, world, settings):
    settings.SITE_URL = "https://311.example.gov"
    status, shared = get(shared_client, "/open311/v2/discovery.json")
    assert status == 200
    assert [e["url"] for e in shared["endpoints"]] == [
        "https://311.example.gov/open311/v2/", "https://311.example.gov/open311/v2/j/maple/",
        "https://311.example.gov/open311/v2/j/elm/"]  # jurisdictions by name: Maple County, Town of Elm
    status, own = get(shared_client, ELM_BASE + "discovery.json")
    assert status == 200
    assert [e["url"] for e in own["endpoints"]] == [
        "https://311.example.gov/open311/v2/j/elm/", "https://311.example.gov/open311/v2/",
        "https://311.example.gov/open311/v2/j/maple/"]
    assert "Town of Elm" in own["contact"] and "Maple County" not in own["contact"]
    status, xml = get(shared_client, ELM_BASE + "discovery.xml")
    assert [e["url"] for e in xml["endpoints"]["endpoint"]][0] == "https://311.example.gov/open311/v2/j/elm/"


def test_it_serves_reads_without_jurisdiction_id_where_the_shared_url_needs_one(shared_client, world):
    status, doc = get(shared_client, "/open311/v2/services.json")
    assert status == 400 and "jurisdiction_id was not provided" in doc[0]["description"]
    status, services = get(shared_client, ELM_BASE + "services.json")
    assert status == 200
    assert services == get(shared_client, "/open311/v2/services.json", {"jurisdiction_id": ELM})[1]
    status, county = get(shared_client, "/open311/v2/j/maple/services.json")
    assert status == 200
    assert county == get(shared_client, "/open311/v2/services.json", {"jurisdiction_id": "maple.example.gov"})[1]


def test_it_accepts_its_own_jurisdiction_id_and_refuses_another_with_a_400(shared_client, world, key):
    assert get(shared_client, ELM_BASE + "services.json", {"jurisdiction_id": ELM})[0] == 200
    status, doc = get(shared_client, ELM_BASE + "requests.json", {"jurisdiction_id": "maple.example.gov"})
    assert status == 400
    assert doc[0]["description"] == ("jurisdiction_id maple.example.gov does not match this address, "
                                     "which serves elm.example.gov only.")
    status, doc = post(shared_client, ELM_BASE + "requests.json",
                       urlencode(pothole_form(key, jurisdiction_id="maple.example.gov")))
    assert status == 400 and "does not match" in doc[0]["description"]
    assert not ServiceRequest.objects.exists()
    status, _ = post(shared_client, ELM_BASE + "requests.json", urlencode(pothole_form(key)))  # names Elm itself
    assert status == 200


def test_it_answers_an_unknown_or_inactive_jurisdiction_with_a_404(shared_client, world):
    status, doc = get(shared_client, "/open311/v2/j/nowhere/services.json")
    assert status == 404 and doc[0]["description"] == "There is no jurisdiction nowhere at this address."
    Jurisdiction.objects.filter(slug="maple").update(is_active=False)
    assert get(shared_client, "/open311/v2/j/maple/services.xml")[0] == 404
    assert get(shared_client, ELM_BASE + "nothing-here.json")[0] == 404


def test_it_names_its_own_server_in_the_openapi_document(shared_client, world, settings):
    settings.SITE_URL = "https://311.example.gov"
    document = shared_client.get(ELM_BASE + "openapi.json").json()
    assert document["servers"] == [{"url": "https://311.example.gov/open311/v2/j/elm"}]
    assert shared_client.get("/open311/v2/j/nowhere/openapi.json").status_code == 404


def test_it_pushes_and_lists_updates_under_the_jurisdictions_url(shared_client, world, key):
    form = pothole_form(key, jurisdiction_id=None, lat=str(IN_EAST_ELM[0]), long=str(IN_EAST_ELM[1]))
    status, created = post(shared_client, ELM_BASE + "requests.json", urlencode(form))
    assert status == 200
    request_id = created[0]["service_request_id"]
    now = timezone.now()
    update = {"api_key": key, "service_request_id": request_id, "updated_datetime": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
              "status": "OPEN", "description": "Still there this morning", "update_id": "u-1"}
    status, pushed = post(shared_client, ELM_BASE + "servicerequestupdates.json", urlencode(update))
    assert status == 200 and pushed[0]["update_id"]
    window = {"start_date": (now - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
              "end_date": (now + dt.timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%SZ")}
    status, listed = get(shared_client, ELM_BASE + "servicerequestupdates.json", window)
    assert status == 200 and [u["description"] for u in listed] == ["Still there this morning"]
    status, token = get(shared_client, ELM_BASE + f"tokens/{request_id}.json")
    assert status == 200 and token[0]["service_request_id"] == request_id
    # The request lives in Elm: the county's own URL does not show it.
    assert get(shared_client, f"/open311/v2/j/maple/requests/{request_id}.json")[0] == 404


# --- The demo city, with the clients the suite already uses -----------------------------------------------------------

def _seed_demo(settings) -> None:
    settings.CITY_PACK = "civicdesk.cities.riverbend.Riverbend"
    clear_caches()
    ensure_default_statuses()  # a transactional test before this one may have flushed what migrations seed
    Riverbend().seed_demo(requests=0)


def _fms_answers(service_type: ServiceType) -> list[tuple[str, str]]:
    """Every question of the definition answered as FixMyStreet sends them: list keys, blanks as ""."""
    fields = []
    for question in service_type.attributes.prefetch_related("values"):
        keys = [value.key for value in question.values.all()]
        if question.datatype == "multivaluelist":
            fields += [(f"attribute[{question.code}]", key) for key in keys[:2]]
        elif question.datatype == "singlevaluelist":
            fields.append((f"attribute[{question.code}]", keys[0]))
        elif question.datatype == "number":
            fields.append((f"attribute[{question.code}]", "2"))
        elif question.datatype == "datetime":
            fields.append((f"attribute[{question.code}]", "2026-11-20T07:45:00-06:00"))
        else:
            fields.append((f"attribute[{question.code}]", "Beside the green bench" if question.required else ""))
    return fields


@pytest.mark.parametrize("slug", ["riverbend", "harlan-county"])
def test_it_serves_fixmystreets_calls_on_the_demo_city_without_jurisdiction_id(shared_client, db, settings, tmp_path,
                                                                              slug):
    settings.MEDIA_ROOT = tmp_path / "media"
    _seed_demo(settings)
    jurisdiction = Jurisdiction.objects.get(slug=slug)
    key = issue_api_key(name="FixMyStreet", rate_limit_per_minute=0)[1]
    base = f"/open311/v2/j/{slug}/"
    status, listed = get(shared_client, base + "services.xml")
    assert status == 200
    offered = {s["service_code"] for s in listed["service"]}
    assert offered == set(ServiceType.objects.public().for_jurisdiction(jurisdiction).values_list("code", flat=True))
    with_questions = next(s["service_code"] for s in listed["service"] if s["metadata"] == "true")
    assert get(shared_client, base + f"services/{with_questions}.xml")[1]["attributes"]

    service_type = ServiceType.objects.get(code=with_questions)
    place = AddressPoint.objects.filter(jurisdiction=jurisdiction).order_by("address_id").first()
    fields = [("service_code", with_questions), ("description", "Reported through FixMyStreet, getting worse"),
              ("first_name", "Alice"), ("last_name", "van der Berg"), ("email", "alice@example.org"),
              ("lat", f"{place.lat:.6f}"), ("long", f"{place.long:.6f}"), *_fms_answers(service_type),
              ("api_key", key)]
    status, created = post(shared_client, base + "requests.xml", urlencode(fields))
    assert status == 200, created
    request_id = created["request"][0]["service_request_id"]
    assert ServiceRequest.objects.get(public_id=request_id).jurisdiction == jurisdiction

    now = timezone.now()
    window = {"start_date": (now - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
              "end_date": (now + dt.timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%SZ")}
    assert [r["service_request_id"] for r in get(shared_client, base + "requests.xml", window)[1]["request"]] == [
        request_id]
    update = [("api_key", key), ("updated_datetime", now.strftime("%Y-%m-%dT%H:%M:%SZ")),
              ("service_request_id", request_id), ("status", "CLOSED"), ("description", "Fixed it myself"),
              ("first_name", "Alice"), ("last_name", "-"), ("email", "alice@example.org"), ("update_id", "77")]
    status, pushed = post(shared_client, base + "servicerequestupdates.xml", urlencode(update))
    assert status == 200 and pushed["request_update"][0]["update_id"]
    listed_updates = get(shared_client, base + "servicerequestupdates.xml", window)[1]["request_update"]
    assert [(u["service_request_id"], u["status"]) for u in listed_updates] == [(request_id, "closed")]
    assert get(shared_client, base + f"tokens/{request_id}.xml")[0] == 200


def test_it_serves_the_georeport_client_on_the_demo_city_without_jurisdiction_id(transactional_db, live_server,
                                                                                 settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    _seed_demo(settings)
    key = issue_api_key(name="FixMyStreet", rate_limit_per_minute=0)[1]
    shared = GeoReport(live_server.url + "/open311/v2", output_format="json")
    with pytest.raises(requests.HTTPError, match="400"):
        shared.get_service_list()  # two jurisdictions: the shared URL needs jurisdiction_id
    for jurisdiction in Jurisdiction.objects.filter(is_active=True):
        base = f"{live_server.url}/open311/v2/j/{jurisdiction.slug}"
        codes = list(ServiceType.objects.public().for_jurisdiction(jurisdiction).values_list("code", flat=True))
        # One request filed under this URL (as FixMyStreet files them), so the reads below have one to find.
        service_type = ServiceType.objects.get(code=codes[0])
        place = AddressPoint.objects.filter(jurisdiction=jurisdiction).order_by("address_id").first()
        filed = requests.post(f"{base}/requests.json", data=[
            ("service_code", codes[0]), ("description", "Filed through the georeport acceptance test"),
            ("lat", f"{place.lat:.6f}"), ("long", f"{place.long:.6f}"), *_fms_answers(service_type),
            ("api_key", key)], timeout=30)
        assert filed.status_code == 200, filed.text
        request_id = filed.json()[0]["service_request_id"]
        for output_format in ("json", "xml"):
            client = GeoReport(base, output_format=output_format)
            service_list = client.get_service_list()
            if output_format == "json":
                jsonschema.validate(service_list, schemas.SERVICES)
            assert [s["service_code"] for s in service_list] == codes
            assert client.get_service_definition(codes[0])["service_code"] == codes[0]
            found = client.get_service_requests(status="open")
            found = found if isinstance(found, list) else [found]  # xmltodict: a list of one is a dict
            assert [r["service_request_id"] for r in found] == [request_id]
            assert client.get_service_request(request_id)["service_request_id"] == request_id


# --- Generated calls (schemathesis) on a jurisdiction's own URL, with both jurisdictions active ----------------------

#: A focused run: the shared URL gets thousands of generated calls (test_openapi.py); this checks the same
#: operations answer alike under /j/elm/, where no call needs jurisdiction_id.
PER_JURISDICTION_EXAMPLES = 10
per_jurisdiction_schema = schemathesis.openapi.from_dict(openapi_document("http://127.0.0.1:8000/open311/v2/j/elm"))
per_jurisdiction_schema.config.generation.update(modes=["positive", "negative"], max_examples=PER_JURISDICTION_EXAMPLES,
                                                 deterministic=True)


@pytest.fixture
def two_jurisdictions(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    report(world)
    return world


@per_jurisdiction_schema.parametrize()
@hypothesis_settings(deadline=None, suppress_health_check=list(HealthCheck), database=None)
def test_it_answers_generated_calls_under_a_jurisdictions_url_in_open311_format(case, two_jurisdictions, real_key,
                                                                               wsgi_app):
    if isinstance(case.body, dict):
        case.body["api_key"] = real_key
    case.headers = {**(case.headers or {}), "Accept-Encoding": "identity"}
    response = case.call(app=wsgi_app)
    case.validate_response(response, checks=[not_a_server_error, status_code_conformance, content_type_conformance,
                                             response_schema_conformance])
    if response.status_code >= 400:
        jsonschema.validate(response.json(), schemas.ERRORS)
        assert "jurisdiction_id was not provided" not in response.text
