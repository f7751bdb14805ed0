"""An unmodified third-party client, `georeport` from PyPI, reading a live server in JSON and in XML."""

from __future__ import annotations

import datetime as dt

import jsonschema
import pytest
import requests
from django.utils import timezone
from georeport import GeoReport

from civicdesk.open311 import schemas
from civicdesk.servicerequests import services
from civicdesk.testing.world import IN_EAST_ELM, IN_WEST_ELM

from .conftest import ELM


@pytest.fixture
def city(tworld, live_server, settings, tmp_path):
    """Three requests in Elm (one closed), one in Maple County, served live."""
    settings.MEDIA_ROOT = tmp_path / "media"
    def submit(**kwargs):
        return services.submit_request(**{"lat": IN_EAST_ELM[0], "long": IN_EAST_ELM[1], **kwargs})
    pothole = submit(service_type=tworld.pothole, attributes={"depth": "deep"}, description="Deep one")
    graffiti = submit(service_type=tworld.graffiti, lat=IN_WEST_ELM[0], long=IN_WEST_ELM[1], description="Tags")
    fixed = submit(service_type=tworld.graffiti, description="Old tags")
    services.transition(fixed, tworld.statuses["fixed"], message="Painted over")
    submit(service_type=tworld.graffiti, lat=8.0, long=8.0)
    return {"base": live_server.url + "/open311/v2", "pothole": pothole, "graffiti": graffiti, "fixed": fixed}


def test_it_serves_every_read_to_the_georeport_client_in_json(city):
    client = GeoReport(city["base"], jurisdiction=ELM, output_format="json")
    service_list = client.get_service_list()
    jsonschema.validate(service_list, schemas.SERVICES)
    assert [s["service_code"] for s in service_list] == ["graffiti", "pothole", "missed-collection"]
    definition = client.get_service_definition("pothole")
    jsonschema.validate(definition, schemas.SERVICE_DEFINITION)
    assert definition["attributes"][0]["values"][1] == {"key": "deep", "name": "Deep (5 cm or more)"}

    every = client.get_service_requests()
    jsonschema.validate(every, schemas.REQUESTS)
    assert {r["service_request_id"] for r in every} == {city[k].public_id for k in ("pothole", "graffiti", "fixed")}
    closed = client.get_service_requests(status="closed")
    assert [(r["service_request_id"], r["status_notes"]) for r in closed] == [(city["fixed"].public_id, "Painted over")]
    by_code = client.get_service_requests(service_code="pothole,missed-collection")
    assert [r["service_request_id"] for r in by_code] == [city["pothole"].public_id]
    by_ids = client.get_service_requests(service_request_id=f"{city['pothole'].public_id},{city['fixed'].public_id}")
    assert {r["service_request_id"] for r in by_ids} == {city["pothole"].public_id, city["fixed"].public_id}
    start = (timezone.now() - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    end = (timezone.now() + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert len(client.get_service_requests(start_date=start, end_date=end)) == 3

    one = client.get_service_request(city["graffiti"].public_id)
    jsonschema.validate([one], schemas.SINGLE_REQUEST)
    assert (one["service_code"], one["description"], one["status"]) == ("graffiti", "Tags", "open")


def test_it_serves_every_read_to_the_georeport_client_in_xml(city):
    json_client = GeoReport(city["base"], jurisdiction=ELM, output_format="json")
    client = GeoReport(city["base"], jurisdiction=ELM, output_format="xml")
    service_list = client.get_service_list()
    assert [s["service_code"] for s in service_list] == [s["service_code"] for s in json_client.get_service_list()]
    assert service_list[1]["metadata"] == "true" and service_list[0]["metadata"] == "false"
    definition = client.get_service_definition("pothole")
    assert definition["attributes"]["attribute"]["code"] == "depth"  # xmltodict: one child is a dict
    assert [v["key"] for v in definition["attributes"]["attribute"]["values"]["value"]] == ["shallow", "deep"]

    every = client.get_service_requests()
    assert [r["service_request_id"] for r in every] == [r["service_request_id"]
                                                        for r in json_client.get_service_requests()]
    for shown in every:
        assert set(shown) == set(schemas.REQUEST["required"])  # every optional key is there, if empty
    closed = client.get_service_requests(status="closed")  # one item: xmltodict gives a dict, not a list
    assert closed["service_request_id"] == city["fixed"].public_id and closed["status"] == "closed"
    one = client.get_service_request(city["pothole"].public_id)
    assert (one["service_code"], one["lat"], one["long"], one["media_url"]) == (
        "pothole", str(IN_EAST_ELM[0]), str(IN_EAST_ELM[1]), None)


def test_it_makes_the_georeport_client_raise_on_our_errors(city):
    client = GeoReport(city["base"], jurisdiction=ELM, output_format="json")
    with pytest.raises(requests.HTTPError, match="404"):
        client.get_service_definition("no-such-type")
    with pytest.raises(requests.HTTPError, match="404"):
        GeoReport(city["base"], jurisdiction="nowhere.example.gov").get_service_list()
    with pytest.raises(requests.HTTPError, match="400"):
        client.get_service_requests(status="pending")
