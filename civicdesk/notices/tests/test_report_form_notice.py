"""The report form's details step says "We already know about this" for a pin inside an active disruption."""

from __future__ import annotations

from django.urls import reverse

from civicdesk.servicerequests.models import ServiceRequest

from .helpers import INSIDE_PATCH, OUTSIDE_PATCH, make_notice


def details(client, code, lat, long):
    return client.get(reverse("intake:details", args=[code]), {"lat": lat, "long": long})


def test_it_shows_the_notice_for_a_pin_inside_its_area(client, world):
    make_notice(world, service_types=[world.pothole])
    page = details(client, "pothole", *INSIDE_PATCH).content.decode()
    known = page[page.index('data-testid="known-issues"'):page.index('enctype="multipart/form-data"')]
    assert "We already know about this" in known and "Water main repair on Oak Street" in known
    assert "Water is off while crews work." in known and "From " in known
    assert "Send report" in page  # the resident can still go on


def test_it_shows_nothing_outside_the_area_for_other_kinds_or_without_a_pin(client, world):
    make_notice(world, service_types=[world.pothole])
    assert "We already know" not in details(client, "pothole", *OUTSIDE_PATCH).content.decode()
    assert "We already know" not in details(client, "missed-collection", *INSIDE_PATCH).content.decode()
    assert "We already know" not in client.get(reverse("intake:details", args=["pothole"])).content.decode()


def test_it_still_takes_the_report(client, world):
    make_notice(world)
    response = client.post(reverse("intake:details", args=["pothole"]), {
        "lat": INSIDE_PATCH[0], "long": INSIDE_PATCH[1], "attribute_depth": "deep", "description": "Another hole"})
    assert response.status_code == 302 and ServiceRequest.objects.filter(description="Another hole").exists()
