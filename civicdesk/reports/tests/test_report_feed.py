"""The Atom feed of reports."""

from __future__ import annotations

from xml.etree import ElementTree

import pytest
from django.urls import reverse

from civicdesk.reports.services import generate_report

from .helpers import MONTH, local, make_request

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def test_it_lists_reports_newest_first_with_their_headline(client, world, django_assert_max_num_queries):
    make_request(world, requested_at=local(2026, 10, 2))
    generate_report(world.elm, MONTH.replace(month=9), announce=False)
    generate_report(world.elm, MONTH, announce=False)
    with django_assert_max_num_queries(3):
        response = client.get(reverse("reports:feed"))
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ElementTree.fromstring(response.content)
    entries = list(feed.iter(f"{ATOM}entry"))
    assert [e.find(f"{ATOM}title").text for e in entries] == [
        "Town of Elm performance report, October 2026", "Town of Elm performance report, September 2026"]
    assert "1 request received" in entries[0].find(f"{ATOM}summary").text
    assert entries[0].find(f"{ATOM}link").get("href").endswith("/reports/elm/2026-10/")


def test_it_carries_no_personal_data(client, world):
    from .helpers import CANARY

    make_request(world, requested_at=local(2026, 10, 2), **CANARY)
    make_request(world, requested_at=local(2026, 10, 2), private=True, **CANARY)
    generate_report(world.elm, MONTH)
    body = client.get(reverse("reports:feed")).content.decode()
    assert "1 request received" in body
    for value in CANARY.values():
        assert value not in body
