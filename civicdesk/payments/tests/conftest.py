"""Fixtures for the payments tests."""

from __future__ import annotations

import pytest

from .helpers import make_account


@pytest.fixture
def account(world):
    """A water and sewer account in Elm, postcode 62701."""
    return make_account(world.elm, number="W-100-200")
