"""The requests in New York City's 311 column shape: NYC's column names, CivicDesk's public values, nothing private."""

from __future__ import annotations

import csv
import io
import json

import pyarrow.parquet as pq
import pytest
from django.core.files.storage import default_storage

from civicdesk.datasets.formats import NYC_COLUMNS  # NYC's published header, as import_311 reads it
from civicdesk.jurisdictions.models import AddressPoint
from civicdesk.lib.geo import snap_to_grid
from civicdesk.opendata.builtin import BUILTIN
from civicdesk.opendata.exports import export_all

from .helpers import assert_no_canary, make_leaky, make_request

@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SITE_URL = "https://311.example.gov"


def read(item) -> bytes:
    with default_storage.open(item.path, "rb") as handle:
        return handle.read()


def exported(*slugs):
    return {(item.dataset, item.format): item for item in export_all(datasets=list(slugs))}


def test_it_uses_nyc_column_names_in_nyc_order_in_every_format(world):
    make_request(world)
    files = exported("requests-nyc")
    assert {fmt for _, fmt in files} == {"csv", "json", "geojson", "parquet"}
    assert [column.name for column in BUILTIN["requests-nyc"].columns] == NYC_COLUMNS
    assert next(csv.reader(io.StringIO(read(files["requests-nyc", "csv"]).decode()))) == NYC_COLUMNS
    assert list(json.loads(read(files["requests-nyc", "json"]))[0]) == NYC_COLUMNS
    feature = json.loads(read(files["requests-nyc", "geojson"]))["features"][0]
    assert list(feature["properties"]) == [name for name in NYC_COLUMNS if name not in ("Latitude", "Longitude")]
    assert pq.read_table(io.BytesIO(read(files["requests-nyc", "parquet"]))).column_names == NYC_COLUMNS


def test_it_fills_each_column_from_the_public_field_that_means_the_same(world):
    AddressPoint.objects.create(address_id="RB-120", number="120", street="N Main St", city="Riverbend",
                                postcode="61820", full_address="120 N Main St", lat=3.0, long=2.5)
    request = make_request(world, address="120 N Main St", address_id="RB-120", channel="api",
                           description="Deep hole")
    files = exported("requests", "requests-nyc")
    open311 = json.loads(read(files["requests", "json"]))[0]
    nyc = json.loads(read(files["requests-nyc", "json"]))[0]
    assert nyc["Unique Key"] == request.public_id == open311["service_request_id"]
    assert nyc["Created Date"] == open311["requested_datetime"]
    assert nyc["Closed Date"] is None and nyc["Due Date"] == open311["expected_datetime"]
    assert nyc["Resolution Action Updated Date"] == open311["updated_datetime"]
    assert (nyc["Agency"], nyc["Agency Name"]) == (world.public_works.slug, open311["agency_responsible"])
    assert nyc["Complaint Type"] == open311["service_name"] == "Pothole"
    assert (nyc["Incident Address"], nyc["Street Name"], nyc["Incident Zip"], nyc["City"]) == (
        "120 N Main St", "N Main St", "61820", "Riverbend")
    assert nyc["Address Type"] == "ADDRESS" and nyc["Open Data Channel Type"] == "MOBILE"
    assert nyc["Status"] == str(world.statuses["submitted"].name)
    assert nyc["Community Board"] == world.west.name and nyc["Borough"] == world.elm.name
    assert (nyc["Latitude"], nyc["Longitude"]) == (open311["lat"], open311["long"])
    assert nyc["Location"] == f"({open311['lat']!r}, {open311['long']!r})"
    filled = {"Unique Key", "Created Date", "Closed Date", "Agency", "Agency Name", "Complaint Type",
              "Incident Zip", "Incident Address", "Street Name", "Address Type", "City", "Status", "Due Date",
              "Resolution Action Updated Date", "Community Board", "Borough", "Open Data Channel Type", "Latitude",
              "Longitude", "Location"}
    assert all(nyc[name] is None for name in NYC_COLUMNS if name not in filled)  # empty, never made up


def test_it_leaks_nothing_private_and_snaps_sensitive_places(world):
    leaky = make_leaky(world)
    AddressPoint.objects.create(address_id="RATS-1", number="99", street="Canary Street", city="Riverbend",
                                postcode="61899", full_address="99 Canary Street", lat=3.0, long=2.5)
    leaky.sensitive.address_id = "RATS-1"
    leaky.sensitive.save(update_fields=["address_id"])
    files = exported("requests-nyc")
    for fmt in ("csv", "json", "geojson"):
        text = read(files["requests-nyc", fmt]).decode()
        assert_no_canary(text, where=f"requests-nyc.{fmt}")
        assert "61899" not in text
        assert "[email removed]" not in text  # no free text at all in this shape
        assert leaky.private.public_id not in text and leaky.private_type.public_id not in text
    table = pq.read_table(io.BytesIO(read(files["requests-nyc", "parquet"])))
    assert_no_canary(json.dumps(table.to_pylist(), default=str), where="requests-nyc.parquet")
    rows = {row["Unique Key"]: row for row in table.to_pylist()}
    assert len(rows) == 4 and leaky.private.public_id not in rows
    snapped = rows[leaky.sensitive.public_id]
    assert (snapped["Latitude"], snapped["Longitude"]) == snap_to_grid(3.0123456, 2.5123456)
    assert snapped["Incident Address"] is snapped["Street Name"] is snapped["Incident Zip"] is snapped["City"] is None
    assert snapped["Address Type"] == "LATLONG"


def test_it_describes_every_nyc_column_on_its_page(world, client):
    make_request(world)
    html = client.get("/open-data/requests-nyc/").content.decode()
    for column in BUILTIN["requests-nyc"].columns:
        assert f"<code>{column.name}</code>" in html
    assert "does not record this" in html


def test_it_writes_a_csv_file_that_the_nyc_importer_reads_back(world, tmp_path):
    """import_311 --format nyc (made for New York's own file) loads the NYC-shaped CSV file."""
    from django.core.management import call_command

    from civicdesk.servicerequests.models import ServiceRequest

    make_leaky(world)
    item = exported("requests-nyc")["requests-nyc", "csv"]
    path = tmp_path / "nyc.csv"
    path.write_bytes(read(item))
    before = ServiceRequest.objects.count()
    call_command("import_311", str(path), "--format", "nyc", "--source", "elsewhere", "--create-types",
                 "--rejects", str(tmp_path / "rejects.csv"), "--no-progress", stdout=io.StringIO())
    assert ServiceRequest.objects.count() - before == item.row_count == 4
