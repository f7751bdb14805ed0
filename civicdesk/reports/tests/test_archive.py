"""The archive at /reports/: per jurisdiction, newest month first, without loading any report's figures."""

from __future__ import annotations

import pytest
from django.urls import reverse

from civicdesk.reports.services import generate_report

from .helpers import MONTH


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def test_it_lists_each_jurisdictions_reports_newest_first(client, world, django_assert_max_num_queries):
    for month in (MONTH.replace(month=8), MONTH, MONTH.replace(month=9)):
        generate_report(world.elm, month, announce=False)
    generate_report(world.county, MONTH, announce=False)
    with django_assert_max_num_queries(4):
        response = client.get(reverse("reports:archive"))
    body = response.content.decode()
    elm = body[body.index('data-testid="archive-elm"'):]
    elm = elm[:elm.index("</ul>")]
    assert elm.index("October 2026") < elm.index("September 2026") < elm.index("August 2026")
    assert body.index("Maple County") < body.index("Town of Elm")
    assert reverse("reports:pdf", args=["elm", "2026-10"]) in body
    assert reverse("reports:feed") in body


def test_it_says_when_there_are_no_reports_yet(client, world):
    body = client.get(reverse("reports:archive")).content.decode()
    assert "No reports yet." in body


def test_it_hides_reports_of_an_inactive_jurisdiction(client, world):
    generate_report(world.county, MONTH, announce=False)
    world.county.is_active = False
    world.county.save()
    assert "Maple County" not in client.get(reverse("reports:archive")).content.decode()


def test_it_is_linked_from_every_pages_footer(client, world):
    body = client.get(reverse("core:home")).content.decode()
    assert f'href="{reverse("reports:archive")}">Performance reports</a>' in body
