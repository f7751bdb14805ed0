"""The Riverbend demo: its embed theme and local host sites, and every embeddable page of it (each public service
type's report form, tracking, services A–Z, every published survey) served for framing, in English and Spanish."""

from __future__ import annotations

import pytest

from civicdesk.catalog.models import ServiceType
from civicdesk.cities.riverbend import Riverbend
from civicdesk.embed.models import EmbedSettings
from civicdesk.embed.snippets import snippets_for
from civicdesk.jurisdictions.services import clear_caches


@pytest.fixture
def demo(db, settings):
    settings.CITY_PACK = "civicdesk.cities.riverbend.Riverbend"
    clear_caches()
    Riverbend().seed_demo(requests=0)
    yield
    clear_caches()


def test_it_serves_every_embeddable_page_of_the_demo_city_for_framing(client, demo):
    row = EmbedSettings.objects.get(jurisdiction__slug="riverbend")
    row.full_clean()
    assert row.origins() == ["http://127.0.0.1:8001", "http://localhost:8001"]
    found = snippets_for(row.jurisdiction)
    public_types = set(ServiceType.objects.public().values_list("code", flat=True))
    assert {s.kind for s in found["types"]} == {f"report:{code}" for code in public_types}
    assert found["surveys"], "the demo city has published surveys to embed"
    for language in ("", "es/"):
        for item in found["main"] + found["types"] + found["surveys"]:
            path = item.url.split("/embed/riverbend/", 1)[1]
            response = client.get(f"/embed/riverbend/{language}{path}")
            assert response.status_code == 200, (language, item.kind, response.status_code)
            assert "frame-ancestors 'self' http://127.0.0.1:8001 http://localhost:8001" in response[
                "Content-Security-Policy"]
            assert "X-Frame-Options" not in response and b"cd-embed-body" in response.content
    css = client.get("/embed/riverbend/theme.css")
    assert css.status_code == 200 and b"#0b4f6c" in css.content
    assert client.get("/embed/riverbend/theme.css", HTTP_IF_NONE_MATCH=css["ETag"]).status_code == 304
    assert client.get("/embed/riverbend/theme.css", HTTP_IF_NONE_MATCH="W/" + css["ETag"]).status_code == 304
    assert client.get("/embed/riverbend/theme.css", HTTP_IF_NONE_MATCH='"stale"').status_code == 200
