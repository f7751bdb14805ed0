"""The staff "Regenerate this report" button."""

from __future__ import annotations

import pytest
from django.urls import reverse

from civicdesk.audit.models import AuditEntry
from civicdesk.reports.models import MonthlyReport
from civicdesk.reports.services import generate_report
from civicdesk.staff.tests.people import seat_people
from civicdesk.testing.auth import login_verified

from .helpers import MONTH, local, make_request

URL = reverse("reports:regenerate", args=["elm", "2026-10"])


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def test_it_lets_a_supervisor_regenerate_and_audits_who_did(client, world):
    seats = seat_people(world)
    generate_report(world.elm, MONTH)
    make_request(world, requested_at=local(2026, 10, 2))
    login_verified(client, seats.supervisor)
    response = client.post(URL)
    assert response.status_code == 302 and response["Location"] == "/reports/elm/2026-10/"
    assert MonthlyReport.objects.get().data["received"] == 1
    entry = AuditEntry.objects.filter(object_type="reports.monthlyreport").latest("pk")
    assert entry.action == "report.regenerated" and entry.actor == seats.supervisor


def test_it_refuses_agents_residents_and_other_jurisdictions(client, world):
    seats = seat_people(world)
    generate_report(world.elm, MONTH)
    make_request(world, requested_at=local(2026, 10, 2))
    assert client.post(URL).status_code == 302  # to sign in
    login_verified(client, seats.agent)
    assert client.post(URL).status_code == 403
    login_verified(client, world.dave)  # Maple County staff
    assert client.post(URL).status_code == 403
    client.force_login(world.alice)
    assert client.post(URL).status_code == 403
    assert MonthlyReport.objects.get().data["received"] == 0
    assert client.get(URL).status_code == 405
