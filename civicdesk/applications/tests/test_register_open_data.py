"""The public register as an open dataset (registers.OPEN_DATA, added to the open-data catalogue in apps.py):
listed on /open-data/ and in /data.json, described column by column, and exported nightly with only what the
register itself publishes."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.files.storage import default_storage

from civicdesk.applications import registers
from civicdesk.opendata.builtin import BUILTIN
from civicdesk.opendata.exports import current_files, export_all

from .helpers import fence_type
from .test_register_views import issue


@pytest.fixture
def published(fence, world, seats):
    registers.save_settings(fence, user=seats.admin, enabled=True, place_question=fence.form.questions_in_order()[0])
    return fence


@pytest.fixture
def reviewers(world, seats):
    return [seats.admin, world.bob, world.carol]


def read(fmt: str) -> str:
    with default_storage.open(current_files("permit-register")[fmt].path) as file:
        return file.read().decode()


def test_it_is_listed_on_the_catalogue_page_and_in_data_json(client, published, world, reviewers):
    issue(published, world.alice, reviewers, lat=1.5, long=1.0)
    export_all(datasets=["permit-register"])
    assert BUILTIN["permit-register"] is registers.OPEN_DATA
    catalogue = client.get("/open-data/").content.decode()
    assert "Register of permits and licences" in catalogue and 'href="/open-data/permit-register/"' in catalogue
    document = client.get("/data.json").json()
    entry = next(d for d in document["dataset"] if d["identifier"].endswith("/open-data/permit-register/"))
    assert entry["title"] == "Register of permits and licences" and entry["accrualPeriodicity"] == "R/P1D"
    assert entry["describedBy"].endswith("/open-data/permit-register/#data-dictionary")
    assert {item["format"]: item["downloadURL"].rsplit("/", 1)[1] for item in entry["distribution"]} == {
        "CSV": "permit-register.csv", "GeoJSON": "permit-register.geojson"}


def test_it_exports_only_the_permits_and_facts_the_register_publishes(published, world, seats, reviewers):
    placed = issue(published, world.alice, reviewers, lat=1.5, long=1.0, address="7 Birch Road")
    unplaced = issue(published, world.alice, reviewers)
    unlisted_type = fence_type(world, slug="quiet-fence")  # its register stays off
    unlisted = issue(unlisted_type, world.alice, reviewers, lat=1.6, long=1.1, address="9 Hidden Lane")
    export_all(datasets=["permit-register"])
    rows = list(csv.DictReader(io.StringIO(read("csv"))))
    assert [row["permit_number"] for row in rows] == [unplaced.number, placed.number]
    assert rows[1]["place"] == "7 Birch Road" and rows[1]["status"] == "valid" and rows[1]["holder"] == ""
    everything = read("csv") + read("geojson")
    assert unlisted.number not in everything and "9 Hidden Lane" not in everything
    assert world.alice.get_full_name() not in everything and world.alice.email not in everything
    features = json.loads(read("geojson"))["features"]
    assert [f["properties"]["permit_number"] for f in features] == [placed.number]
    assert features[0]["geometry"]["coordinates"] == [1.0, 1.5]


def test_it_carries_the_holder_only_when_the_type_publishes_it(published, world, seats, reviewers):
    issue(published, world.alice, reviewers)
    registers.save_settings(published, user=seats.admin, enabled=True, show_holder=True)
    export_all(datasets=["permit-register"], formats=["csv"])
    assert [row["holder"] for row in csv.DictReader(io.StringIO(read("csv")))] == [world.alice.get_full_name()]


def test_it_follows_the_type_when_its_register_is_turned_off(published, world, seats, reviewers):
    permit = issue(published, world.alice, reviewers)
    registers.save_settings(published, user=seats.admin, enabled=False)
    export_all(datasets=["permit-register"], formats=["csv"])
    assert permit.number not in read("csv") and read("csv").startswith("permit_number,type,status,")


def test_its_page_has_the_data_dictionary(client, published):
    html = client.get("/open-data/permit-register/").content.decode()
    for column in registers.COLUMNS:
        assert f"<code>{column.name}</code>" in html
    assert "only for types whose law makes it public" in html and "GeoJSON" in html


def test_it_exports_in_keyset_batches(published, world, reviewers):
    permits = [issue(published, world.alice, reviewers) for _ in range(3)]
    batches = list(registers.open_data_batches(batch_size=2))
    assert [[row[0] for row in batch] for batch in batches] == [[permits[2].number, permits[1].number],
                                                                [permits[0].number]]


def test_its_page_speaks_spanish_and_arabic(client, published):
    spanish = client.get("/open-data/permit-register/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Registro de permisos y licencias" in spanish and "El número del permiso." in spanish
    arabic = client.get("/open-data/permit-register/", HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert "سجل التصاريح والرخص" in arabic and "رقم التصريح." in arabic
