"""Fixtures of the records tests: the Town of Elm's "Public records request", handled by Public Works (bob's
department), with the demo exemptions; and the extra seats (civicdesk/staff/tests/people.py)."""

from __future__ import annotations

import pytest

from civicdesk.records.demo import build_records_type
from civicdesk.staff.tests.people import seat_people


@pytest.fixture
def records_type(world, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return build_records_type(world.elm, department=world.public_works)


@pytest.fixture
def seats(world):
    return seat_people(world)
