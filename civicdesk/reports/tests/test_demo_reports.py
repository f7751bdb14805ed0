"""The Riverbend demo: `make run`'s `monthly_report --recent 3 --missing` fills the archive for both jurisdictions."""

from __future__ import annotations

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from civicdesk.catalog.models import ServiceType
from civicdesk.cities.riverbend import Riverbend
from civicdesk.jurisdictions.models import Department, Jurisdiction
from civicdesk.jurisdictions.services import clear_caches
from civicdesk.reports.models import MonthlyReport
from civicdesk.servicerequests.models import ServiceRequest

from .helpers import CHICAGO, local
from .pagetext import read_page


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.mark.django_db
def test_it_makes_three_months_for_every_demo_jurisdiction_with_real_figures(client, settings):
    settings.CITY_PACK = "civicdesk.cities.riverbend.Riverbend"
    with time_machine.travel(local(2026, 12, 4, 12), tick=False):
        Riverbend().seed_demo(requests=900)
        clear_caches()
        call_command("monthly_report", "--recent", "3", "--missing")
    jurisdictions = list(Jurisdiction.objects.order_by("slug"))
    assert sorted((r.jurisdiction.slug, r.month_slug) for r in MonthlyReport.objects.select_related("jurisdiction")) \
        == sorted((j.slug, m) for j in jurisdictions for m in ("2026-09", "2026-10", "2026-11"))

    archive = client.get(reverse("reports:archive")).content.decode()
    private_names = list(ServiceType.objects.filter(is_private=True).values_list("name_en", flat=True))
    for report in MonthlyReport.objects.select_related("jurisdiction"):
        assert report.get_absolute_url() in archive
        received = [r for r in ServiceRequest.objects.public().filter(jurisdiction=report.jurisdiction)
                    if (r.requested_at.astimezone(CHICAGO).year, r.requested_at.astimezone(CHICAGO).month)
                    == (report.month.year, report.month.month)]
        assert report.data["received"] == len(received)
        page = client.get(report.get_absolute_url()).content.decode()
        figures, tables = read_page(page)
        assert figures["received"] == str(len(received))
        departments = {line[0] for line in tables["Requests and time to close by department"][1:]}
        assert set(Department.objects.filter(jurisdiction=report.jurisdiction).values_list("name_en", flat=True)) \
            <= departments
        for name in private_names:
            assert name not in page
        assert client.get(report.pdf_url()).status_code == 200
    riverbend = MonthlyReport.objects.get(jurisdiction__slug="riverbend", month__month=11)
    assert riverbend.data["received"] > 20 and riverbend.data["busiest"]
    assert riverbend.notice.is_active(local(2026, 12, 4, 13))
    assert MonthlyReport.objects.filter(notice__isnull=False).count() == len(jurisdictions)  # newest month only
