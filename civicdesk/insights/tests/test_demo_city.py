"""The Riverbend demo shows real insights: the rodent flare-up on the old south side is found."""

from __future__ import annotations

import pytest

from civicdesk.cities.riverbend import Riverbend
from civicdesk.insights.models import Hotspot
from civicdesk.insights.services import run_detection
from civicdesk.lib.geo import distance_m

pytestmark = pytest.mark.django_db


def test_it_finds_the_rodent_flare_up_of_the_demo():
    Riverbend().seed_demo()
    run_detection()
    cells = Hotspot.objects.filter(kind="cell", service_type__code="rodents", status="new")
    assert cells.exists()
    assert any(distance_m(h.lat, h.long, 40.0762, -88.9436) < 600 for h in cells)
    assert Hotspot.objects.filter(kind="repeat").exists()
