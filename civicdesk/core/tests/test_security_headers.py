"""Security headers (civicdesk/core/security.py and Django's SecurityMiddleware) on public pages, staff
pages and Open311; compressed HTML; and no inline script anywhere in the templates."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from civicdesk.core.security import tile_source
from civicdesk.servicerequests import services
from civicdesk.testing.auth import login_verified
from civicdesk.testing.world import IN_WEST_ELM

TEMPLATES = sorted(Path(django_settings.BASE_DIR, "civicdesk").rglob("templates/**/*.html"))


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {name: values for name, *values in (part.split() for part in policy.split(";") if part.strip())}


def assert_secure_headers(response) -> None:
    policy = directives(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]  # no 'unsafe-inline', no 'unsafe-eval', no other host
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    # forms post here only; the pay form's redirect may also lead to Stripe's hosted checkout page
    assert policy["base-uri"] == ["'self'"] and policy["form-action"] == ["'self'", "https://checkout.stripe.com"]
    assert policy["img-src"] == ["'self'", "data:", "https://tile.openstreetmap.org"]  # the map tiles, nothing else
    permissions = dict(item.split("=", 1) for item in response["Permissions-Policy"].split(", "))
    assert permissions["geolocation"] == "(self)"
    assert permissions["camera"] == permissions["microphone"] == permissions["payment"] == "()"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"


@pytest.fixture
def tiles(settings):
    settings.MAP_TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"


def test_it_sends_the_headers_on_public_pages(client, world, tiles):
    sr = services.submit_request(service_type=world.graffiti, lat=IN_WEST_ELM[0], long=IN_WEST_ELM[1])
    for url in [reverse("core:home"), reverse("intake:start"), f"/report/{world.pothole.code}/",
                sr.get_absolute_url(), reverse("alerts:subscribe"), reverse("accounts:login")]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_secure_headers(response)


def test_it_sends_the_headers_on_staff_pages(client, world, tiles):
    sr = services.submit_request(service_type=world.graffiti, lat=IN_WEST_ELM[0], long=IN_WEST_ELM[1])
    login_verified(client, world.bob)
    for url in [reverse("staff:queues"), reverse("staff:detail", args=[sr.public_id])]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_secure_headers(response)


def test_it_sends_the_headers_on_open311(client, world, tiles):
    for url in ["/open311/v2/discovery.json", "/open311/v2/services.xml?jurisdiction_id=elm.example.gov",
                "/open311/v2/requests.json?jurisdiction_id=elm.example.gov"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_secure_headers(response)


def test_it_allows_the_tile_servers_subdomains_and_no_host_without_tiles(client, db, settings):
    settings.MAP_TILE_URL = "https://{s}.tiles.riverbend.example.gov:8443/osm/{z}/{x}/{y}.png"
    assert directives(client.get("/"))["img-src"] == ["'self'", "data:", "https://*.tiles.riverbend.example.gov:8443"]
    settings.MAP_TILE_URL = ""
    assert directives(client.get("/"))["img-src"] == ["'self'", "data:"]
    assert tile_source("/tiles/{z}/{x}/{y}.png") is None  # tiles from this site: 'self' already


def test_it_sends_hsts_over_https_behind_a_proxy_when_the_site_url_is_https(client, db, settings):
    # What settings.py derives from SITE_URL=https://... and TRUST_X_FORWARDED_PROTO=true.
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    response = client.get("/", headers={"X-Forwarded-Proto": "https"})
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "Strict-Transport-Security" not in client.get("/")  # never over plain HTTP


def test_it_compresses_html_for_clients_that_accept_gzip(client, world):
    response = client.get("/", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    assert b"Report a problem" in gzip.decompress(response.content)
    assert "Content-Encoding" not in client.get("/")  # and plain HTML for the others


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda path: str(path.relative_to(django_settings.BASE_DIR)))
def test_it_has_no_inline_script_or_event_handler_in_any_template(template):
    text = template.read_text(encoding="utf-8")
    inline_scripts = [tag for tag in re.findall(r"<script\b[^>]*>", text, flags=re.I)
                      if "src=" not in tag and 'type="application/json"' not in tag]
    handlers = re.findall(r"<[^>]*\son[a-z]+\s*=", text, flags=re.I)
    javascript_urls = re.findall(r"(?:href|src|action)\s*=\s*[\"']\s*javascript:", text, flags=re.I)
    assert not inline_scripts and not handlers and not javascript_urls, (inline_scripts, handlers, javascript_urls)


@pytest.mark.parametrize(("site_url", "hsts_seconds"), [("https://311.riverbend.example.gov", 31536000),
                                                        ("http://127.0.0.1:8000", 0)])
def test_it_turns_hsts_on_for_an_https_site_behind_a_tls_proxy(tmp_path, site_url, hsts_seconds):
    """settings.py read from the environment a production server behind a TLS proxy would have."""
    import os
    import subprocess
    import sys

    env = {name: os.environ[name] for name in ("PATH", "HOME", "LANG") if name in os.environ}
    env.update(SITE_URL=site_url, TRUST_X_FORWARDED_PROTO="true", CIVICDESK_VAR_DIR=str(tmp_path),
               SECRET_KEY="hsts-test-" + "x" * 50, DJANGO_SETTINGS_MODULE="civicdesk.settings")
    read = ("import django; django.setup(); from django.conf import settings; "
            "print(settings.SECURE_HSTS_SECONDS, settings.SECURE_PROXY_SSL_HEADER[0], settings.SECURE_SSL_REDIRECT)")
    result = subprocess.run([sys.executable, "-c", read], cwd=django_settings.BASE_DIR, env=env,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    # HSTS from the site's own address; no redirect or secure-cookie change unless HTTPS=true asks for them.
    assert result.stdout.split() == [str(hsts_seconds), "HTTP_X_FORWARDED_PROTO", "False"]
