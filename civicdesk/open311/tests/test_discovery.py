"""GET discovery.{xml,json}: where the endpoint is and what it speaks."""

from __future__ import annotations


def test_it_describes_the_endpoint_in_json(api, world, settings):
    settings.SITE_URL = "https://311.elm.example.gov"
    answer = api.get("discovery.json")
    assert answer.status == 200
    endpoint = answer.doc["endpoints"][0]
    assert endpoint["url"] == "https://311.elm.example.gov/open311/v2/"
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["formats"] == ["text/xml", "application/json"]
    assert endpoint["type"] == "production"
    assert answer.doc["max_requests"] == 1000
    assert "Town of Elm" in answer.doc["contact"] and "555-0100" in answer.doc["contact"]


def test_it_lists_both_formats_in_xml_inside_their_containers(api, world):
    answer = api.get("discovery.xml")
    assert answer.status == 200
    body = answer.response.content.decode()
    assert body.startswith('<?xml version="1.0" encoding="utf-8"?><discovery><changeset>')
    assert "<endpoints><endpoint><specification>http://wiki.open311.org/GeoReport_v2</specification>" in body
    assert answer.doc["endpoints"]["endpoint"][0]["formats"]["format"] == ["text/xml", "application/json"]


def test_it_says_test_when_debugging(api, world, settings):
    settings.DEBUG = True
    assert api.get("discovery.json").doc["endpoints"][0]["type"] == "test"


def test_it_answers_an_unknown_format_with_a_404_in_xml(shared_client, world):
    response = shared_client.get("/open311/v2/discovery.html")
    assert response.status_code == 404
    assert response.headers["Content-Type"] == "text/xml; charset=utf-8"
    assert b"<errors><error><code>404</code><description>Unknown format .html" in response.content
