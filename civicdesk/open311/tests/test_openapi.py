"""The OpenAPI document at /open311/v2/openapi.json, and thousands of calls schemathesis generates from it:
no server error, and every error in Open311's format."""

from __future__ import annotations

import jsonschema
import pytest
import schemathesis
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from civicdesk.open311 import schemas
from civicdesk.open311.openapi import openapi_document
from civicdesk.servicerequests import services
from civicdesk.testing.world import IN_EAST_ELM

#: Generated calls per operation (valid and invalid inputs together); nine operations, discovery has few inputs.
EXAMPLES = 250
CALLS = {"count": 0}


def test_it_serves_the_document_with_every_json_endpoint(api, world, settings):
    settings.SITE_URL = "https://311.example.gov"
    response = api.client.get("/open311/v2/openapi.json")
    assert response.status_code == 200 and response.headers["Content-Type"] == "application/json"
    document = response.json()
    assert document == openapi_document("https://311.example.gov/open311/v2")
    assert document["openapi"] == "3.1.0" and document["servers"] == [{"url": "https://311.example.gov/open311/v2"}]
    assert {(path, method) for path, item in document["paths"].items() for method in item} == {
        ("/discovery.json", "get"), ("/services.json", "get"), ("/services/{service_code}.json", "get"),
        ("/requests.json", "get"), ("/requests.json", "post"), ("/requests/{service_request_id}.json", "get"),
        ("/tokens/{token}.json", "get"), ("/servicerequestupdates.json", "get"),
        ("/servicerequestupdates.json", "post")}
    for item in document["paths"].values():
        for operation in item.values():
            jsonschema.Draft202012Validator.check_schema(operation["responses"]["200"]["content"]
                                                         ["application/json"]["schema"])


@pytest.fixture
def city(world, settings, tmp_path):
    """One jurisdiction (so calls without jurisdiction_id succeed too) with two requests and their notes."""
    settings.MEDIA_ROOT = tmp_path / "media"
    world.county.is_active = False
    world.county.save()
    for service_type, answers in ((world.pothole, {"depth": "deep"}), (world.graffiti, {})):
        request = services.submit_request(service_type=service_type, lat=IN_EAST_ELM[0], long=IN_EAST_ELM[1],
                                          attributes=answers, description="Seen on the way to work")
        services.add_note(request, message="Crew on the way")
    return world


# Loaded from the same function the endpoint serves (the test above checks they match); its server's
# path, /open311/v2, is where the calls go.
schema = schemathesis.openapi.from_dict(openapi_document("http://127.0.0.1:8000/open311/v2"))
schema.config.generation.update(modes=["positive", "negative"], max_examples=EXAMPLES, deterministic=True)


@schema.parametrize()
@schema.given(use_key=st.booleans(), code=st.sampled_from(["", "pothole", "graffiti"]), in_elm=st.booleans())
@hypothesis_settings(deadline=None, suppress_health_check=list(HealthCheck), database=None)
def test_it_answers_generated_calls_without_server_errors_and_in_open311_format(case, use_key, code, in_elm,
                                                                                city, real_key, wsgi_app):
    # Random keys, codes and places mostly stop at the first check; steer some calls deeper in.
    if isinstance(case.body, dict):
        if use_key:
            case.body["api_key"] = real_key
        if code and "service_code" in case.body:
            case.body["service_code"] = code
        if in_elm and "lat" in case.body:
            case.body["lat"], case.body["long"] = IN_EAST_ELM
    # Real HTTP clients undo gzip by themselves; the WSGI call here does not, so ask for plain bodies.
    case.headers = {**(case.headers or {}), "Accept-Encoding": "identity"}
    response = case.call(app=wsgi_app)
    CALLS["count"] += 1
    case.validate_response(response, checks=[not_a_server_error, status_code_conformance, content_type_conformance,
                                             response_schema_conformance])
    if response.status_code >= 400:
        jsonschema.validate(response.json(), schemas.ERRORS)


def test_it_made_thousands_of_generated_calls():
    # Runs after the generated calls above (pytest keeps file order): they must not have been cut short.
    if not CALLS["count"]:
        pytest.skip("the generated calls were not selected in this run")
    assert CALLS["count"] >= 2000, CALLS["count"]
