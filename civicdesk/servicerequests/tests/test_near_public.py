"""ServiceRequest.objects.near_public(): candidates by public point, so a sensitive request is found around its
snapped point and not around its exact one."""

from __future__ import annotations

from civicdesk.catalog.models import ServiceType
from civicdesk.lib.geo import distance_m, snap_to_grid
from civicdesk.servicerequests.models import ServiceRequest


def make(world, service_type, lat, long) -> ServiceRequest:
    return ServiceRequest.objects.create(jurisdiction=world.elm, service_type=service_type,
                                         status=world.statuses["submitted"], lat=lat, long=long)


def test_it_finds_a_sensitive_request_anywhere_its_snapped_point_may_be_near(world):
    rodents = ServiceType.objects.create(code="rodents", name="Rodents", is_sensitive=True)
    exact = (3.0014, 2.5064)  # near a corner of its grid cell: the snapped centre is ~200 m away
    sensitive = make(world, rodents, *exact)
    snapped = snap_to_grid(*exact)
    assert distance_m(*exact, *snapped) > 150
    found = ServiceRequest.objects.near_public(*snapped, 20)
    assert sensitive in found  # the exact point is far outside a 20 m box, the widened box still reads it
    assert ServiceRequest.objects.near(*snapped, 20).count() == 0


def test_it_keeps_the_exact_box_for_other_types(world):
    pothole = make(world, world.pothole, 3.0, 2.5)
    assert pothole in ServiceRequest.objects.near_public(3.0, 2.5, 20)
    assert pothole not in ServiceRequest.objects.near_public(3.001, 2.5, 20)  # 111 m away
