"""ServiceNotice: area validation, activity window, coverage, and "which notices cover this point"."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from civicdesk.notices import services
from civicdesk.notices.models import MAX_AREA_VERTICES, ServiceNotice, area_shape
from civicdesk.testing.world import IN_COUNTY_ONLY, IN_EAST_ELM, IN_WEST_ELM, square

from .helpers import INSIDE_PATCH, OUTSIDE_PATCH, WEST_PATCH, make_notice

NOON = dt.datetime(2027, 3, 3, 18, 0, tzinfo=dt.UTC)


def crossing() -> dict:
    """A bow tie: its edges cross."""
    return {"type": "Polygon", "coordinates": [[[2.2, 2.8], [2.8, 3.2], [2.8, 2.8], [2.2, 3.2], [2.2, 2.8]]]}


@pytest.mark.parametrize("value, words", [
    ("not a shape", "must be GeoJSON"),
    ({"type": "Point", "coordinates": [2.5, 3.0]}, "must be a polygon"),
    ({"type": "Polygon", "coordinates": [[[2.2, 2.8], [2.8, 3.2]]]}, "at least three corners"),
    ({"type": "Polygon", "coordinates": [[[2, 2], [3, 3], [4, 4], [2, 2]]]}, "has no size"),
    ({"type": "FeatureCollection", "features": []}, "holds no shape"),
    (square(200, 2, 201, 3), "off the map"),
])
def test_it_refuses_areas_that_are_not_polygons_on_the_map(value, words):
    with pytest.raises(ValidationError) as caught:
        area_shape(value)
    assert words in " ".join(caught.value.messages)


def test_it_refuses_an_outline_that_crosses_itself():
    with pytest.raises(ValidationError, match="crosses itself"):
        area_shape(crossing())


def test_it_refuses_an_area_with_too_many_corners():
    import math

    ring = [[2.5 + 0.3 * math.cos(i / 3000 * 2 * math.pi), 3 + 0.3 * math.sin(i / 3000 * 2 * math.pi)]
            for i in range(MAX_AREA_VERTICES + 10)]
    with pytest.raises(ValidationError, match="more than"):
        area_shape({"type": "Polygon", "coordinates": [ring + [ring[0]]]})


def test_it_accepts_features_and_multipolygons():
    feature = {"type": "Feature", "properties": {}, "geometry": WEST_PATCH}
    multi = {"type": "MultiPolygon", "coordinates": [WEST_PATCH["coordinates"], square(3.2, 2.2, 3.4, 2.4)["coordinates"]]}
    assert area_shape(feature).area == pytest.approx(0.24)
    assert area_shape(multi).area == pytest.approx(0.28)


def test_it_refuses_an_area_outside_its_jurisdiction_and_an_end_before_the_start(world):
    notice = ServiceNotice(jurisdiction=world.elm, title_en="x", body_en="y", area=square(7, 7, 8, 8),
                           starts_at=NOON, ends_at=NOON - dt.timedelta(hours=1))
    with pytest.raises(ValidationError) as caught:
        notice.full_clean(exclude=["title", "body"])
    assert "outside Town of Elm" in str(caught.value.message_dict["area"])
    assert "after the start" in str(caught.value.message_dict["ends_at"])


def test_it_is_active_only_while_published_inside_its_window(world):
    with time_machine.travel(NOON, tick=False):
        notice = make_notice(world, starts_at=NOON + dt.timedelta(hours=1), ends_at=NOON + dt.timedelta(hours=5))
        draft = make_notice(world, publish=False, starts_at=NOON - dt.timedelta(hours=1), ends_at=None)
    assert not notice.is_active(NOON) and notice.state(NOON) == "scheduled"
    assert notice.is_active(NOON + dt.timedelta(hours=1))
    assert notice.is_active(NOON + dt.timedelta(hours=4, minutes=59))
    assert not notice.is_active(NOON + dt.timedelta(hours=5)) and notice.state(NOON + dt.timedelta(hours=5)) == "ended"
    assert not draft.is_active(NOON) and draft.state(NOON) == "draft"
    with time_machine.travel(NOON + dt.timedelta(hours=2), tick=False):
        assert list(ServiceNotice.objects.active()) == [notice]
        assert notice.is_active()
    with time_machine.travel(NOON + dt.timedelta(days=1), tick=False):
        assert list(ServiceNotice.objects.active()) == []


def test_it_stays_active_without_an_end_until_staff_end_it(world):
    notice = make_notice(world, ends_at=None)
    assert notice.is_active(timezone.now() + dt.timedelta(days=3650))


def test_it_covers_its_drawn_area_with_the_edge_inside(world):
    notice = make_notice(world)
    assert notice.covers(*INSIDE_PATCH)
    assert notice.covers(2.8, 2.5)  # on the edge
    assert not notice.covers(*OUTSIDE_PATCH)
    assert not notice.covers(float("nan"), 2.5) and not notice.covers(95, 2.5)
    assert (notice.min_long, notice.min_lat, notice.max_long, notice.max_lat) == (2.2, 2.8, 2.8, 3.2)


def test_it_covers_chosen_districts_together_with_the_drawn_area(world):
    notice = make_notice(world, area=square(2.2, 2.2, 2.4, 2.4), districts=[world.east])
    assert notice.covers(*IN_EAST_ELM) and notice.covers(2.3, 2.3)
    assert not notice.covers(*IN_WEST_ELM)


def test_it_covers_the_whole_jurisdiction_without_area_or_districts(world):
    notice = make_notice(world, area=None)
    assert notice.is_jurisdiction_wide()
    assert notice.covers(*IN_WEST_ELM) and notice.covers(*IN_EAST_ELM) and not notice.covers(*IN_COUNTY_ONLY)


def test_it_finds_active_disruptions_at_a_point_for_the_kind_of_problem(world):
    for_potholes = make_notice(world, service_types=[world.pothole], severity="minor")
    for_anything = make_notice(world, title_en="Road closed", severity="major")
    make_notice(world, kind="news", title_en="New bins")  # news never says "we already know"
    make_notice(world, publish=False, title_en="Draft")
    services.end_early(make_notice(world, title_en="Ended early"), user=None)
    assert ServiceNotice.covering(*INSIDE_PATCH, service_type=world.pothole) == [for_anything, for_potholes]
    assert ServiceNotice.covering(*INSIDE_PATCH, service_type=world.garbage) == [for_anything]
    assert ServiceNotice.covering(*OUTSIDE_PATCH, service_type=world.pothole) == []
    assert ServiceNotice.covering(200, 2.5) == []
    assert for_potholes.applies_to(world.pothole) and not for_potholes.applies_to(world.garbage)
    assert for_anything.applies_to(world.garbage)


def test_it_keeps_title_and_body_per_language_with_english_as_fallback(world):
    from django.utils import translation

    notice = make_notice(world, title_es=None)
    with translation.override("es"):
        assert notice.title == "Water main repair on Oak Street"
        assert notice.body == "No hay agua mientras trabajan."
