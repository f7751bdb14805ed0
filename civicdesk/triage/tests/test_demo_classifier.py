"""The Riverbend demo trains its category suggestions after loading its history, so they work straight away."""

from __future__ import annotations

import pytest

from civicdesk.cities.riverbend import Riverbend
from civicdesk.jurisdictions.models import Jurisdiction
from civicdesk.triage.models import ClassifierModel
from civicdesk.servicerequests.models import ServiceRequest
from civicdesk.triage.suggest import likely_miscategorised, suggest_kinds


@pytest.mark.django_db
def test_the_demo_city_suggests_kinds_from_its_own_history(settings):
    from civicdesk.jurisdictions.services import clear_caches

    settings.CITY_PACK = "civicdesk.cities.riverbend.Riverbend"
    Riverbend().seed_demo(requests=400)
    clear_caches()
    city = Jurisdiction.objects.get(slug="riverbend")
    model = ClassifierModel.objects.get(jurisdiction=city, language="", is_active=True)
    assert model.rows > 0 and len(model.class_counts) > 10
    found = suggest_kinds("the light in front of my house is out", jurisdiction=city)
    assert found and found[0].service_type.code == "streetlight-out"
    spanish = suggest_kinds("hay un bache enorme frente a mi casa", jurisdiction=city, language="es")
    assert spanish and spanish[0].service_type.code == "pothole"
    # One open report of another kind reads like a streetlight: the staff page's "This may be a …" has a case.
    misfiled = ServiceRequest.objects.exclude(service_type__code="streetlight-out").get(
        description="Streetlight out in front of my house, the whole block is dark.")
    assert likely_miscategorised(misfiled).service_type.code == "streetlight-out"
