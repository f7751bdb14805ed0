"""The map and list on the Riverbend demo: every public request counted once for every service type, status,
district and department of the demo, sensitive types (rodents, noise) only at their snapped points."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from civicdesk.catalog.models import ServiceType
from civicdesk.cities.riverbend import Riverbend
from civicdesk.jurisdictions.models import Department, District
from civicdesk.jurisdictions.services import clear_caches
from civicdesk.lib.geo import snap_to_grid
from civicdesk.servicerequests.models import ServiceRequest

WORLD = "-180,-90,180,90"


@pytest.mark.django_db
class TestTheDemoCity:
    @pytest.fixture(scope="class", autouse=True)
    @classmethod
    def demo(cls, django_db_setup, django_db_blocker):
        with override_settings(CITY_PACK="civicdesk.cities.riverbend.Riverbend"), django_db_blocker.unblock(), \
                transaction.atomic():
            clear_caches()
            call_command("load_demo_city", stdout=io.StringIO())
            yield
            transaction.set_rollback(True)
        clear_caches()

    def total(self, client, **params) -> int:
        response = client.get("/map/cells.json", {"bbox": WORLD, "zoom": 3, **params})
        assert response.status_code == 200
        return response.json()["total"]

    def test_it_counts_every_public_request_once_by_every_filter(self, client):
        public = ServiceRequest.objects.public()
        assert public.count() > 1000
        assert self.total(client) == public.count()
        for service_type in ServiceType.objects.public():
            assert self.total(client, type=service_type.code) == public.filter(service_type=service_type).count()
        assert self.total(client, status="open") == public.filter(is_open=True).count()
        assert self.total(client, status="closed") == public.filter(is_open=False).count()
        for district in District.objects.all():
            assert self.total(client, district=district.pk) == public.filter(district=district).count()
        for department in Department.objects.all():
            assert self.total(client, department=department.pk) == public.filter(department=department).count()

    def test_it_answers_every_filter_and_tile_the_same_from_the_rollup(self, client):
        import datetime as dt
        import math

        from django.utils import timezone

        from civicdesk.publicmap import rollup
        from civicdesk.publicmap.services import BBox, MapFilters, map_cells
        from civicdesk.transparency import rollups

        from .test_rollup_exact import assert_same_view

        rollups.sync_rollups()
        assert rollup.is_current()
        self.test_it_counts_every_public_request_once_by_every_filter(client)  # the world view, now from the roll-up
        lat, long, _zoom = Riverbend.map_center
        month_ago = timezone.localdate() - dt.timedelta(days=30)
        choices = [MapFilters(), MapFilters(status="open"), MapFilters(date_from=month_ago),
                   *(MapFilters(service_codes=(t.code,)) for t in ServiceType.objects.public()),
                   *(MapFilters(district_id=d.pk, date_from=month_ago) for d in District.objects.all())]
        for zoom in range(9, 15):
            tile = 360 / 2 ** zoom
            box = BBox(math.floor((lat - 0.04) / tile) * tile, math.floor((long - 0.06) / tile) * tile,
                       math.ceil((lat + 0.04) / tile) * tile, math.ceil((long + 0.06) / tile) * tile)
            for filters in choices:
                assert_same_view(map_cells(box, zoom, filters), map_cells(box, zoom, filters, use_rollup=False),
                                 (zoom, filters))

    def test_it_opens_on_the_city_with_counts_where_the_requests_are(self, client):
        lat, long, zoom = Riverbend.map_center
        assert client.get("/map/").status_code == 200
        half = 0.05
        body = client.get("/map/cells.json", {"bbox": f"{long - half},{lat - half},{long + half},{lat + half}",
                                              "zoom": zoom}).json()
        assert body["cells"] and body["total"] > 100

    def test_it_shows_rodents_and_noise_only_at_snapped_points(self, client):
        sensitive = ServiceType.objects.filter(is_sensitive=True)
        assert sorted(sensitive.values_list("code", flat=True)) == ["noise", "rodents"]
        for request in ServiceRequest.objects.public().filter(service_type__in=sensitive)[:20]:
            lat, long = snap_to_grid(request.lat, request.long)
            body = client.get("/map/cells.json", {"bbox": f"{long - 0.001},{lat - 0.001},{long + 0.001},{lat + 0.001}",
                                                  "zoom": 19, "type": request.service_type.code}).json()
            places = {(p["lat"], p["long"]) for p in body["points"]} | {(c["lat"], c["long"]) for c in body["cells"]}
            assert places == {(lat, long)}

    def test_it_lists_each_kind_with_its_public_place(self, client):
        for service_type in ServiceType.objects.public():
            html = client.get("/map/list/", {"type": service_type.code}).content.decode()
            newest = ServiceRequest.objects.public().filter(service_type=service_type).order_by("-requested_at")
            if not newest:
                assert "No public requests match these filters." in html
                continue
            assert newest[0].public_id in html
            if service_type.is_sensitive:
                assert not any(sr.address and sr.address in html for sr in newest[:50])
