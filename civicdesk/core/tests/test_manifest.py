"""The web app manifest and icons: installable, named after the site, linked from every page."""

from __future__ import annotations

import json

from django.contrib.staticfiles import finders


def test_it_names_the_site_and_lists_icons_that_exist(client, world):
    response = client.get("/manifest.webmanifest")
    assert response["Content-Type"] == "application/manifest+json"
    data = json.loads(response.content)
    assert data["name"] == "Maple County 311" and data["start_url"] == "/" and data["display"] == "standalone"
    sizes = {icon["sizes"] for icon in data["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in data["icons"]:
        assert finders.find(icon["src"].removeprefix("/static/")), icon["src"]


def test_it_is_in_the_reader_language(client, world):
    world.county.name_es = "Condado de Maple"
    world.county.save()
    data = json.loads(client.get("/manifest.webmanifest", HTTP_ACCEPT_LANGUAGE="es").content)
    assert data["name"] == "Condado de Maple 311" and data["lang"] == "es"


def test_it_is_linked_with_the_favicon_from_every_page(client, world):
    html = client.get("/").content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    assert 'rel="icon" href="/static/img/favicon.svg"' in html
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"] == "/static/img/icon-32.png"
