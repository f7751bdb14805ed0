""""Try with the demo file" on the catalogue migration page: the Riverbend demo's SeeClickFix-style export fills the
mapping review with real rows (matches to the demo catalogue and its departments, new types, questions)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from civicdesk.accounts.models import User
from civicdesk.catalog.models import ServiceType
from civicdesk.cityconfig.models import CatalogueSource
from civicdesk.testing.auth import login_verified
from civicdesk.testing.world import ensure_default_statuses

from .helpers import signed_in_admin

pytestmark = pytest.mark.django_db


def test_it_reads_the_demo_catalogue_into_a_mapping_for_the_demo_city(client, settings):
    from civicdesk.cities.riverbend import Riverbend

    settings.CITY_PACK = "civicdesk.cities.riverbend.Riverbend"
    ensure_default_statuses()  # a transactional test before this one may have flushed what migrations seed
    Riverbend().seed_demo(requests=0)
    types_before = ServiceType.objects.count()
    login_verified(client, User.objects.get(email="admin@riverbend.example.gov"))
    assert 'data-testid="try-demo"' in client.get(reverse("cityconfig:new_source")).content.decode()
    response = client.post(reverse("cityconfig:new_source_demo"))
    source = CatalogueSource.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("cityconfig:mapping", args=[source.pk])
    assert source.jurisdiction.slug == "riverbend" and source.mappings.count() == 15
    page = client.get(response["Location"]).content.decode()
    assert "Street Light Out" in page and "Trash/Recycling Not Picked Up" in page
    mapped = {m.incoming_code: m for m in source.mappings.select_related("service_type", "department")}
    assert mapped["4012"].service_type.code == "pothole"
    assert mapped["4020"].department.slug == "transportation"
    assert ServiceType.objects.count() == types_before  # nothing applied before the review


def test_it_offers_no_demo_file_where_the_city_ships_none(client, world):
    signed_in_admin(client, world)
    assert "try-demo" not in client.get(reverse("cityconfig:new_source")).content.decode()
    assert client.post(reverse("cityconfig:new_source_demo")).status_code == 404
