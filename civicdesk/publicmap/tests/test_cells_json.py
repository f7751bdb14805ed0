"""GET /map/cells.json: counts per cell for a view and the filters, points zoomed in, errors, query count."""

from __future__ import annotations

import pytest

from civicdesk.publicmap import services

from .helpers import make_request

URL = "/map/cells.json"


def test_it_answers_counts_per_cell_for_a_view(client, world):
    make_request(world)
    make_request(world)
    response = client.get(URL, {"bbox": "2,2,4,4", "zoom": "9"})
    assert response.status_code == 200
    body = response.json()
    assert body["zoom"] == 9 and body["total"] == 2 and body["points"] == []
    (cell,) = body["cells"]
    assert cell["count"] == 2 and cell["lat"] == pytest.approx(3.0) and cell["long"] == pytest.approx(2.5)
    assert len(cell["bounds"]) == 4
    assert response["Cache-Control"] == "public, max-age=60"


def test_it_answers_the_requests_themselves_zoomed_in(client, world):
    sr = make_request(world)
    body = client.get(URL, {"bbox": "2.49,2.99,2.51,3.01", "zoom": "17"}).json()
    assert body["cells"] == []
    assert body["points"] == [{"id": sr.public_id, "kind": "Pothole", "status": "Submitted", "open": True,
                               "lat": 3.0, "long": 2.5, "url": f"/requests/{sr.public_id}/"}]


def test_it_applies_the_filters_of_the_query_string(client, world):
    make_request(world)
    make_request(world, service_type=world.graffiti, district=world.east)
    params = {"bbox": "2,2,4,4", "zoom": "5"}
    assert client.get(URL, {**params, "type": "graffiti"}).json()["total"] == 1
    assert client.get(URL, {**params, "type": ["graffiti", "pothole"]}).json()["total"] == 2
    assert client.get(URL, {**params, "district": world.west.pk}).json()["total"] == 1
    assert client.get(URL, {**params, "status": "closed"}).json()["total"] == 0
    assert client.get(URL, {**params, "department": world.sanitation.pk}).json()["total"] == 0


@pytest.mark.parametrize("params", [
    {"zoom": "5"}, {"bbox": "2,2,4,4"}, {"bbox": "x", "zoom": "5"}, {"bbox": "2,2,4,4", "zoom": "near"},
    {"bbox": "2,2,4,4", "zoom": "5", "status": "maybe"}, {"bbox": "2,2,4,4", "zoom": "5", "type": "records"},
    {"bbox": "2,2,4,4", "zoom": "5", "from": "2026-13-01"},
])
def test_it_refuses_what_it_cannot_read(client, world, params):
    response = client.get(URL, params)
    assert response.status_code == 400
    assert response.json()["errors"]


def test_it_makes_the_same_few_queries_however_many_requests(client, world, django_assert_max_num_queries):
    for i in range(30):
        make_request(world, lat=3.0 + i * 1e-4, long=2.5, service_type=world.graffiti if i % 2 else world.pothole,
                     status=world.statuses["fixed"] if i % 3 == 0 else world.statuses["submitted"])
    # The form's choices (types) + types + cells + points (window) + point kinds + point statuses.
    with django_assert_max_num_queries(6):
        body = client.get(URL, {"bbox": "2.49,2.99,2.51,3.01", "zoom": "18"}).json()
    assert len(body["points"]) == 30
    with django_assert_max_num_queries(3):
        assert client.get(URL, {"bbox": "2,2,4,4", "zoom": "8"}).json()["total"] == 30


def test_it_caps_the_points_of_one_answer(client, world, monkeypatch):
    monkeypatch.setattr(services, "MAX_POINTS", 1)
    make_request(world, lat=3.0, long=2.5)
    make_request(world, lat=3.0005, long=2.5005)
    body = client.get(URL, {"bbox": "2.49,2.99,2.51,3.01", "zoom": "19"}).json()
    assert body["points"] == [] and body["points_truncated"] and body["total"] == 2
