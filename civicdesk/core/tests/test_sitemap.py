"""sitemap.xml: public pages and service categories only, never a request page (personal data)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from civicdesk.servicerequests import services
from civicdesk.testing.world import IN_EAST_ELM

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def locations(client) -> list[str]:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/xml")
    return [loc.text for loc in ET.fromstring(response.content).findall("s:url/s:loc", NS)]


def test_it_lists_the_public_pages_and_categories(client, world, settings):
    settings.SITE_URL = "https://311.maple.example.gov"
    listed = locations(client)
    for path in ["/", "/report/", "/requests/", "/alerts/", "/help/", "/contact/", "/privacy/",
                 "/accessibility/", "/terms/", "/report/pothole/", "/report/graffiti/"]:
        assert f"https://311.maple.example.gov{path}" in listed, path


def test_it_leaves_out_requests_and_private_categories(client, world):
    request = services.submit_request(service_type=world.graffiti, lat=IN_EAST_ELM[0], long=IN_EAST_ELM[1])
    listed = locations(client)
    assert not [url for url in listed if request.public_id in url]
    assert not [url for url in listed if "/staff/" in url or "/account/" in url]
    assert not [url for url in listed if url.endswith(f"/report/{world.records.code}/")]
