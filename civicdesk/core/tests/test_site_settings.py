"""Settings a new install gets right without being told: SITE_URL follows PORT, a sender named after the city."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from django.conf import settings

from civicdesk.cities.default import DefaultCity
from civicdesk.cities.riverbend import Riverbend

PRINT = ("import django, json; django.setup(); from django.conf import settings as s; "
         "print(json.dumps([s.SITE_URL, s.DEFAULT_FROM_EMAIL, s.SERVER_EMAIL]))")


def fresh_settings(**env: str) -> list[str]:
    """SITE_URL, DEFAULT_FROM_EMAIL and SERVER_EMAIL as a new process started with `env` sees them."""
    base = {key: os.environ[key] for key in ("PATH", "HOME") if key in os.environ}
    base.update(DJANGO_SETTINGS_MODULE="civicdesk.settings", TESTING="true", **env)
    out = subprocess.run([sys.executable, "-c", PRINT], env=base, cwd=settings.BASE_DIR, check=True,
                         capture_output=True, text=True, timeout=120).stdout
    return json.loads(out.strip().splitlines()[-1])


def test_it_builds_links_for_the_port_the_server_listens_on():
    site_url, sender, server_email = fresh_settings(PORT="8123", CITY_PACK="civicdesk.cities.riverbend.Riverbend")
    assert site_url == "http://127.0.0.1:8123"
    assert sender == server_email == "City of Riverbend 311 <no-reply@riverbend.example.gov>"


def test_it_lets_the_operator_choose_the_url_and_the_sender():
    assert fresh_settings(PORT="8123", SITE_URL="https://311.maple.example.gov/")[:2] == [
        "https://311.maple.example.gov", "CivicDesk 311 <no-reply@311.maple.example.gov>"]
    chosen = fresh_settings(DEFAULT_FROM_EMAIL="Maple 311 <help@maple.example.gov>")
    assert chosen[1:] == ["Maple 311 <help@maple.example.gov>", "Maple 311 <help@maple.example.gov>"]


def test_it_never_sends_from_an_address_or_localhost():
    assert DefaultCity().default_from_email("http://127.0.0.1:8000") == "CivicDesk 311 <no-reply@localhost>"
    assert Riverbend().default_from_email("http://localhost:8000") == (
        "City of Riverbend 311 <no-reply@riverbend.example.gov>")
    assert Riverbend().default_from_email("http://[::1]:8000") == (
        "City of Riverbend 311 <no-reply@riverbend.example.gov>")
    assert Riverbend().default_from_email("https://311.riverbend-il.gov") == (
        "City of Riverbend 311 <no-reply@311.riverbend-il.gov>")
