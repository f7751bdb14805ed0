"""/notices/at.json: the active disruptions at a point, for the report form's map."""

from __future__ import annotations

from django.urls import reverse

from .helpers import INSIDE_PATCH, OUTSIDE_PATCH, make_notice


def at(client, lat, long, **params):
    return client.get(reverse("notices:at"), {"lat": lat, "long": long, **params})


def test_it_returns_the_disruptions_covering_the_point(client, world, django_assert_max_num_queries):
    notice = make_notice(world, service_types=[world.pothole])
    with django_assert_max_num_queries(2):
        response = at(client, *INSIDE_PATCH, service_code="pothole")
    [item] = response.json()["notices"]
    assert item["id"] == notice.pk and item["title"] == "Water main repair on Oak Street"
    assert item["severity"] == "major" and item["severity_label"] == "Major disruption"
    assert item["url"].endswith(f"/notices/{notice.pk}/") and item["dates"].startswith("From ")
    assert response["Cache-Control"] == "public, max-age=60" and "Accept-Language" in response["Vary"]


def test_it_returns_nothing_outside_the_area_or_for_another_kind_of_problem(client, world):
    make_notice(world, service_types=[world.pothole])
    assert at(client, *OUTSIDE_PATCH, service_code="pothole").json() == {"notices": []}
    assert at(client, *INSIDE_PATCH, service_code="missed-collection").json() == {"notices": []}
    assert len(at(client, *INSIDE_PATCH).json()["notices"]) == 1


def test_it_refuses_bad_coordinates_and_unknown_kinds(client, world):
    assert at(client, "north", 2.5).status_code == 400
    assert at(client, 91, 2.5).status_code == 400
    assert client.get(reverse("notices:at")).status_code == 400
    response = at(client, *INSIDE_PATCH, service_code="records")  # private types are not reportable here
    assert response.status_code == 400 and "no such kind" in response.json()["error"]
