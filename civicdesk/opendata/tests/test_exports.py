"""The built-in exports: every format, nothing private in any of them, files published whole."""

from __future__ import annotations

import csv
import io
import json

import pyarrow.parquet as pq
import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from civicdesk.lib.geo import snap_to_grid
from civicdesk.opendata.builtin import BUILTIN, REQUEST_COLUMNS
from civicdesk.opendata.exports import export, export_all
from civicdesk.opendata.models import ExportFile

from .helpers import assert_no_canary, make_leaky, make_request


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SITE_URL = "https://311.example.gov"


def read(item: ExportFile) -> bytes:
    with default_storage.open(item.path, "rb") as handle:
        return handle.read()


def test_it_writes_requests_in_every_format_with_the_same_public_rows(world):
    leaky = make_leaky(world)
    files = {item.format: item for item in export_all(datasets=["requests"])}
    assert set(files) == {"csv", "json", "geojson", "parquet"}
    public_ids = {leaky.ordinary.public_id, leaky.contact.public_id, leaky.sensitive.public_id}

    rows = list(csv.DictReader(io.StringIO(read(files["csv"]).decode())))
    assert list(rows[0]) == [column.name for column in REQUEST_COLUMNS]
    assert public_ids <= {row["service_request_id"] for row in rows}
    assert len(rows) == 4 == files["csv"].row_count  # ordinary, contact, sensitive, only-hidden-photo

    objects = json.loads(read(files["json"]))
    assert [obj["service_request_id"] for obj in objects] == [row["service_request_id"] for row in rows]
    features = json.loads(read(files["geojson"]))
    assert features["type"] == "FeatureCollection" and len(features["features"]) == 4
    table = pq.read_table(io.BytesIO(read(files["parquet"])))
    assert table.column_names == [column.name for column in REQUEST_COLUMNS]
    assert sorted(table.column("service_request_id").to_pylist()) == sorted(row["service_request_id"] for row in rows)


def test_it_leaks_nothing_private_in_any_format(world):
    leaky = make_leaky(world)
    files = {item.format: item for item in export_all(datasets=["requests", "service-types", "daily-counts"])
             if item.dataset == "requests"}
    lat, long = snap_to_grid(3.0123456, 2.5123456)
    hidden_url = reverse("servicerequests:attachment", args=[leaky.contact.public_id, leaky.hidden_photo.pk])
    visible_url = reverse("servicerequests:attachment", args=[leaky.contact.public_id, leaky.visible_photo.pk])
    for fmt in ("csv", "json", "geojson"):
        text = read(files[fmt]).decode()
        assert_no_canary(text, where=fmt)
        assert hidden_url not in text
        assert visible_url in text
        assert "[email removed]" in text and "[phone removed]" in text
        assert leaky.private.public_id not in text and leaky.private_type.public_id not in text
    table = pq.read_table(io.BytesIO(read(files["parquet"])))
    assert_no_canary(json.dumps(table.to_pylist(), default=str), where="parquet")
    by_id = {row["service_request_id"]: row for row in table.to_pylist()}
    assert len(by_id) == 4 and {leaky.ordinary.public_id, leaky.contact.public_id, leaky.sensitive.public_id} <= set(by_id)
    assert leaky.private.public_id not in by_id and leaky.private_type.public_id not in by_id
    snapped = by_id[leaky.sensitive.public_id]
    assert (snapped["lat"], snapped["long"]) == (lat, long)
    assert snapped["address"] is None and snapped["location_snapped"] is True
    assert by_id[leaky.contact.public_id]["media_url"] == "https://311.example.gov" + visible_url
    assert by_id[leaky.ordinary.public_id]["media_url"] is None
    assert all(row["media_url"] is None for row in by_id.values()
               if row["service_request_id"] not in (leaky.contact.public_id,))
    for name in ("service-types", "daily-counts"):
        for item in ExportFile.objects.filter(dataset=name).exclude(format="parquet"):
            assert_no_canary(read(item).decode(), where=f"{name}.{item.format}")


def test_it_publishes_a_new_file_under_a_new_name_and_keeps_the_one_before(world):
    make_request(world)
    first = export(BUILTIN["requests"], "csv")
    second = export(BUILTIN["requests"], "csv")
    assert second.path != first.path and second.previous_path == first.path
    assert default_storage.exists(first.path) and default_storage.exists(second.path)
    third = export(BUILTIN["requests"], "csv")
    assert not default_storage.exists(first.path)  # two generations back: deleted
    assert default_storage.exists(second.path) and third.previous_path == second.path
    assert ExportFile.objects.filter(dataset="requests", format="csv").count() == 1


def test_it_reads_in_keyset_batches_with_a_bounded_number_of_queries(world, django_assert_max_num_queries):
    for _ in range(12):
        make_request(world)
    with django_assert_max_num_queries(4 * 2 + 8):  # per batch: rows + photos; then the publish
        item = export(BUILTIN["requests"], "json", batch_size=5)
    assert item.row_count == 12


def test_it_counts_requests_per_day_without_private_ones(world):
    make_leaky(world)
    item = export(BUILTIN["daily-counts"], "csv")
    rows = list(csv.DictReader(io.StringIO(read(item).decode())))
    assert sum(int(row["received"]) for row in rows) == 4
    assert {row["service_code"] for row in rows} == {"pothole", "rodents"}


def test_it_lists_only_public_service_types(world):
    make_leaky(world)
    item = export(BUILTIN["service-types"], "json")
    codes = {row["service_code"] for row in json.loads(read(item))}
    assert "records" not in codes and "tax" not in codes
    assert {"pothole", "rodents"} <= codes


def test_it_writes_json_that_the_open311_importer_reads_back(world, tmp_path):
    """The JSON file is Open311-shaped: `import_311 --format open311` (another CivicDesk, a city's CRM) loads it."""
    from django.core.management import call_command

    from civicdesk.servicerequests.models import ServiceRequest

    make_leaky(world)
    item = export(BUILTIN["requests"], "json")
    path = tmp_path / "requests.json"
    path.write_bytes(read(item))
    before = ServiceRequest.objects.count()
    call_command("import_311", str(path), "--format", "open311", "--source", "elsewhere", "--create-types",
                 "--rejects", str(tmp_path / "rejects.csv"), "--no-progress", stdout=io.StringIO())
    assert ServiceRequest.objects.count() - before == item.row_count


def test_it_keeps_serving_the_last_whole_file_when_an_export_fails_half_way(world, monkeypatch, client):
    from civicdesk.opendata import exports

    make_request(world)
    good = export(BUILTIN["requests"], "csv")
    files_before = set(default_storage.listdir("opendata/requests")[1])

    def broken(batches, columns, out):
        out.write(b"service_request_id,status\nHALF-WRITTEN")
        raise RuntimeError("the disk filled up")

    monkeypatch.setitem(exports.WRITERS, "csv", broken)
    with pytest.raises(RuntimeError):
        export(BUILTIN["requests"], "csv")
    assert ExportFile.objects.get(dataset="requests", format="csv").path == good.path
    assert set(default_storage.listdir("opendata/requests")[1]) == files_before  # nothing half-written saved
    body = b"".join(client.get("/open-data/files/requests.csv").streaming_content)
    assert body == read(good) and b"HALF-WRITTEN" not in body
