"""The Riverbend demo's open data: the capital projects list is published with its chart, and the requests export
holds every public kind of problem, no private one, and the sensitive ones snapped."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.storage import default_storage

from civicdesk.catalog.models import ServiceType
from civicdesk.cities.riverbend import Riverbend
from civicdesk.jurisdictions.services import clear_caches
from civicdesk.lib.geo import snap_to_grid
from civicdesk.opendata.models import ExportFile, PublishedDataset
from civicdesk.servicerequests.models import ServiceRequest


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.CITY_PACK = "civicdesk.cities.riverbend.Riverbend"
    settings.MEDIA_ROOT = tmp_path
    clear_caches()
    Riverbend().seed_demo(requests=600)
    yield
    clear_caches()


def test_it_publishes_the_capital_projects_with_a_chart_and_described_columns(demo, client):
    dataset = PublishedDataset.objects.published().get(title="Capital projects")
    assert dataset.row_count == 22 and all(column.description for column in dataset.columns.all())
    page = client.get(dataset.get_absolute_url())
    assert page.status_code == 200
    chart = page.context["chart"]
    assert (chart.value_column.key, chart.category_column.key) == ("budget_usd", "department")
    assert {label for label, _total in chart.totals} == {"Public Works", "Parks & Forestry", "Transportation",
                                                         "Sanitation", "Code Enforcement"}
    assert client.get("/open-data/").status_code == 200


def test_it_exports_every_public_kind_of_problem_and_snaps_the_sensitive_ones(demo, client):
    item = ExportFile.objects.get(dataset="requests", format="csv")
    with default_storage.open(item.path, "rb") as handle:
        rows = list(csv.DictReader(io.StringIO(handle.read().decode())))
    assert len(rows) == ServiceRequest.objects.public().count() == item.row_count
    exported = {row["service_code"] for row in rows}
    used = set(ServiceRequest.objects.values_list("service_type__code", flat=True))
    private = set(ServiceType.objects.filter(is_private=True).values_list("code", flat=True))
    assert exported == used - private and private
    sensitive = set(ServiceType.objects.filter(is_sensitive=True).values_list("code", flat=True))
    assert sensitive == {"rodents", "noise"}
    exact = {r.public_id: r for r in ServiceRequest.objects.filter(service_type__code__in=sensitive)}
    checked = 0
    for row in rows:
        if row["service_code"] in sensitive:
            original = exact[row["service_request_id"]]
            assert (float(row["lat"]), float(row["long"])) == snap_to_grid(original.lat, original.long)
            assert row["address"] == "" and row["location_snapped"] == "true"
            checked += 1
    assert checked > 0
    page = client.get("/open-data/requests/")
    assert str(item.row_count) in page.content.decode().replace(",", "")


def test_it_exports_the_demo_requests_in_nyc_columns_too(demo, client):
    from civicdesk.opendata.arrowrows import NYC_CHANNELS

    item = ExportFile.objects.get(dataset="requests-nyc", format="csv")
    with default_storage.open(item.path, "rb") as handle:
        rows = list(csv.DictReader(io.StringIO(handle.read().decode())))
    public = ServiceRequest.objects.public().select_related("service_type", "status")
    assert len(rows) == public.count() == item.row_count
    by_key = {row["Unique Key"]: row for row in rows}
    for request in public:  # every kind of problem, status and channel the demo uses
        row = by_key[request.public_id]
        assert row["Complaint Type"] == str(request.service_type.name) and row["Status"] == str(request.status.name)
        assert row["Open Data Channel Type"] == NYC_CHANNELS.get(request.channel, "UNKNOWN")
        if request.service_type.is_sensitive:
            assert (float(row["Latitude"]), float(row["Longitude"])) == snap_to_grid(request.lat, request.long)
            assert row["Incident Address"] == row["Incident Zip"] == row["Street Name"] == ""
    page = client.get("/open-data/requests-nyc/")
    assert page.status_code == 200 and str(item.row_count) in page.content.decode().replace(",", "")
