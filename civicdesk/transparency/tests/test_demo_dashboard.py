"""The Riverbend demo: the dashboard shows real numbers for every jurisdiction, department, kind and district."""

from __future__ import annotations

import csv
import io

import pytest
from django.utils import timezone

from civicdesk.catalog.models import ServiceType
from civicdesk.cities.riverbend import Riverbend
from civicdesk.jurisdictions.models import Department, District, Jurisdiction
from civicdesk.jurisdictions.services import clear_caches
from civicdesk.transparency import rollups

from .helpers import direct_dashboard


@pytest.fixture
def demo(db, settings):
    settings.CITY_PACK = "civicdesk.cities.riverbend.Riverbend"
    Riverbend().seed_demo(requests=800)
    clear_caches()
    rollups.sync_rollups()


def summary(client, query: str) -> dict[str, list[str]]:
    response = client.get(f"/dashboard/summary.csv?{query}")
    assert response.status_code == 200
    return {row[0]: row for row in list(csv.reader(io.StringIO(response.content.decode())))[1:]}


def test_it_shows_real_numbers_for_every_filter_of_the_demo_city(client, demo):
    filters = [("", {})]
    filters += [(f"jurisdiction={j.slug}", {"jurisdiction": j}) for j in Jurisdiction.objects.all()]
    filters += [(f"department={d.pk}", {"department": d}) for d in Department.objects.all()]
    filters += [(f"district={d.pk}", {"district": d}) for d in District.objects.all()]
    filters += [(f"type={t.code}", {"service_type": t}) for t in ServiceType.objects.filter(is_private=False)]
    today = timezone.localdate()
    shown = 0
    for query, where in filters:
        expected = direct_dashboard(today, 365, **where)
        got = summary(client, f"{query}&period=365")
        assert int(got["received"][2]) == expected["now"]["received"], query
        assert int(got["closed"][2]) == expected["now"]["closed"], query
        assert int(got["open_backlog"][2]) == sum(expected["backlog"].values()), query
        shown += int(got["received"][2]) > 0
        assert client.get(f"/dashboard/?{query}").status_code == 200
    assert shown >= len(filters) * 3 // 4  # most filters have requests to show in the demo
