"""The Riverbend demo: its go-live checklist shows real findings, and its district file re-imports cleanly."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command

import civicdesk.cities
from civicdesk.cities.riverbend import Riverbend
from civicdesk.jurisdictions.models import Jurisdiction
from civicdesk.onboarding.checklist import run_checklist

pytestmark = pytest.mark.django_db
DISTRICTS = Path(civicdesk.cities.__file__).parent / "data" / "riverbend" / "districts.geojson"


def test_it_checks_every_demo_jurisdiction_and_dry_runs_the_demo_districts():
    Riverbend().seed_demo(requests=50)
    for jurisdiction in Jurisdiction.objects.all():
        checks = {check.key: check for check in run_checklist(jurisdiction)}
        assert checks["addresses"].ok and checks["two_factor"].ok and checks["contact"].ok
        assert not checks["email"].ok  # the demo sends email to the console
    out = io.StringIO()
    call_command("import_boundaries", str(DISTRICTS), "--kind", "district", "--jurisdiction", "riverbend",
                 "--name-field", "name", "--replace", "--dry-run", stdout=out)
    assert "Dry run: would add 0 and replace" in out.getvalue()
    assert "refused" not in out.getvalue()
