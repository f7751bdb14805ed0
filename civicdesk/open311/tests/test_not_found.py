"""Anything under /open311/v2/ that is not a resource: a 404 in Open311's error format."""

from __future__ import annotations

import jsonschema

from civicdesk.open311 import schemas


def test_it_answers_unknown_paths_in_the_format_they_ask_for(shared_client, db):
    json_answer = shared_client.get("/open311/v2/complaints.json")
    assert json_answer.status_code == 404
    assert json_answer.json() == [{"code": 404, "description": "Resource not found."}]
    jsonschema.validate(json_answer.json(), schemas.ERRORS)
    xml_answer = shared_client.get("/open311/v2/requests/7KQ4-M2XD/photos")
    assert xml_answer.status_code == 404 and xml_answer.headers["Content-Type"] == "text/xml; charset=utf-8"
    assert xml_answer.content.endswith(b"<errors><error><code>404</code><description>Resource not found."
                                       b"</description></error></errors>")


def test_it_answers_a_known_resource_in_an_unknown_format_with_404(shared_client, db):
    for path in ("services.csv", "requests.html", "services/pothole.yaml"):
        response = shared_client.get(f"/open311/v2/{path}")
        assert response.status_code == 404 and b"Unknown format" in response.content, path
