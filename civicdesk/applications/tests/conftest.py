"""Fixtures of the applications tests: the Town of Elm's fence permit (see helpers.py) and the extra seats."""

from __future__ import annotations

import pytest

from civicdesk.staff.tests.people import seat_people

from .helpers import fence_type


@pytest.fixture
def fence(world, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return fence_type(world)


@pytest.fixture
def seats(world):
    return seat_people(world)
