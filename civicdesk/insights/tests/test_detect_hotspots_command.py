"""`manage.py detect_hotspots`: one run now, with a summary."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from civicdesk.insights.models import Hotspot

from .helpers import cluster

pytestmark = pytest.mark.django_db


def test_it_runs_detection_and_says_what_it_found(world):
    cluster(world)
    out = io.StringIO()
    call_command("detect_hotspots", stdout=out)
    assert Hotspot.objects.filter(kind="cell", status="new").count() == 1
    assert "new" in out.getvalue() and "Tested" in out.getvalue()
