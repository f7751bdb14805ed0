"""robots.txt: keep crawlers out of sign-in, staff and admin pages; point them at the sitemap."""

from __future__ import annotations


def test_it_disallows_private_areas_and_names_the_sitemap(client, db, settings):
    settings.SITE_URL = "https://311.maple.example.gov"
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    for path in ["/staff/", "/admin/", "/account/", "/accounts/"]:
        assert f"Disallow: {path}" in lines
    assert "Disallow: /" not in lines
    assert lines[-1] == "Sitemap: https://311.maple.example.gov/sitemap.xml"
