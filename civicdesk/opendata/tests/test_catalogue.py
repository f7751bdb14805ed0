"""The public catalogue and the built-in datasets' pages and downloads."""

from __future__ import annotations

import pytest

from civicdesk.opendata.builtin import BUILTIN, REQUEST_COLUMNS
from civicdesk.opendata.exports import export_all

from .helpers import make_request
from .test_published_datasets import make_published


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_it_lists_every_dataset_and_links_the_footer(world, client):
    make_published(world)
    html = client.get("/open-data/").content.decode()
    for dataset in BUILTIN.values():
        assert str(dataset.title) in html
    assert "Capital projects" in html and 'href="/data.json"' in html
    assert '<a href="/open-data/">Open data</a>' in client.get("/help/").content.decode()


def test_it_shows_the_requests_data_dictionary_before_and_after_the_first_export(world, client):
    make_request(world)
    page = client.get("/open-data/requests/")
    html = page.content.decode()
    assert page.status_code == 200 and "not yet produced" in html
    for column in REQUEST_COLUMNS:
        assert f"<code>{column.name}</code>" in html
    assert client.get("/open-data/files/requests.csv").status_code == 404
    export_all()
    html = client.get("/open-data/requests/").content.decode()
    assert "/open-data/files/requests.parquet" in html and "/open-data/api/requests.json" in html


@pytest.mark.parametrize("fmt, media_type", [("csv", "text/csv; charset=utf-8"), ("json", "application/json"),
                                             ("geojson", "application/geo+json"),
                                             ("parquet", "application/vnd.apache.parquet")])
def test_it_serves_each_file_with_its_media_type(world, client, fmt, media_type):
    make_request(world)
    export_all(datasets=["requests"], formats=[fmt])
    answer = client.get(f"/open-data/files/requests.{fmt}")
    assert answer.status_code == 200 and answer["Content-Type"] == media_type
    assert answer["Content-Disposition"] == f'attachment; filename="requests.{fmt}"'
    assert int(answer["Content-Length"]) == len(b"".join(answer.streaming_content)) > 0


def test_it_answers_404_for_formats_and_datasets_that_do_not_exist(world, client):
    assert client.get("/open-data/files/service-types.geojson").status_code == 404
    assert client.get("/open-data/nothing-here/").status_code == 404
    assert client.get("/open-data/api/service-types.json").status_code == 404


def test_it_speaks_spanish(world, client):
    client.cookies["django_language"] = "es"
    html = client.get("/open-data/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "<h1>Datos abiertos</h1>" in html and "Solicitudes de servicio 311" in html
    html = client.get("/open-data/requests/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Diccionario de datos" in html and "Número de seguimiento de la solicitud (único)." in html


def test_it_answers_head_requests_for_files(world, client):
    make_request(world)
    export_all(datasets=["requests"], formats=["csv"])
    answer = client.head("/open-data/files/requests.csv")
    assert answer.status_code == 200 and answer["Content-Type"] == "text/csv; charset=utf-8"
