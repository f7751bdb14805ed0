"""The CSV behind each chart and table of a report."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from civicdesk.reports.services import generate_report

from .helpers import CANARY, MONTH, busy_month, local, make_request


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def rows(client, table):
    response = client.get(reverse("reports:csv", args=["elm", "2026-10", table]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == f'attachment; filename="elm-2026-10-{table}.csv"'
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_it_downloads_the_same_numbers_as_the_page_tables(client, world):
    busy_month(world)
    report = generate_report(world.elm, MONTH)
    daily = rows(client, "daily")
    assert daily[0] == ["Date", "Received", "Closed"] and len(daily) == 32
    assert sum(int(line[1]) for line in daily[1:]) == report.data["received"]
    departments = rows(client, "departments")
    assert departments[-1][:3] == ["All departments", str(report.data["received"]), str(report.data["closed"])]
    busiest = rows(client, "busiest")
    assert [int(line[1]) for line in busiest[1:]] == [row["received"] for row in report.data["busiest"]]
    changes = rows(client, "changes")
    assert changes[0][:3] == ["Group", "Comparison", "Name"]
    assert len(changes) - 1 == sum(len(v) for group in report.data["changes"].values() for v in group.values())
    for value in CANARY.values():
        assert all(value not in ",".join(line) for table in (daily, departments, busiest, changes) for line in table)


def test_it_answers_404_for_an_unknown_table(client, world):
    make_request(world, requested_at=local(2026, 10, 2))
    generate_report(world.elm, MONTH)
    assert client.get(reverse("reports:csv", args=["elm", "2026-10", "contacts"])).status_code == 404
