"""Fixtures of the inspections tests: media in a temporary folder, the extra seats."""

from __future__ import annotations

import pytest

from civicdesk.staff.tests.people import seat_people


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def seats(world):
    return seat_people(world)
