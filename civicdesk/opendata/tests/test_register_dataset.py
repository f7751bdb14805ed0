"""builtin.register_dataset(): how a higher app adds a dataset to the catalogue, and what it refuses."""

from __future__ import annotations

import pytest

from civicdesk.opendata import builtin
from civicdesk.opendata.builtin import BUILTIN, BuiltinDataset, Column, register_dataset

COLUMNS = (Column("name", "text", "A name.", "Oak", nullable=False),)


def rows(**_options):
    yield [("Oak",)]


@pytest.fixture
def catalogue(monkeypatch):
    """A copy of BUILTIN, so a test's dataset does not outlive it."""
    copy = dict(BUILTIN)
    monkeypatch.setattr(builtin, "BUILTIN", copy)
    return copy


def test_it_adds_a_dataset_once(catalogue):
    trees = BuiltinDataset("trees", "Street trees", "Every street tree.", ("trees",), COLUMNS, rows,
                           formats=("csv",))
    register_dataset(trees)
    register_dataset(trees)
    assert catalogue["trees"] is trees and list(catalogue).count("trees") == 1 and trees.count() == 1


def test_it_refuses_a_taken_or_reserved_slug(catalogue):
    with pytest.raises(ValueError, match="already named requests"):
        register_dataset(BuiltinDataset("requests", "Other", "Other.", (), COLUMNS, rows, formats=("csv",)))
    with pytest.raises(ValueError, match="reserved"):
        register_dataset(BuiltinDataset("api", "API", "Not a dataset.", (), COLUMNS, rows, formats=("csv",)))
    assert catalogue["requests"] is BUILTIN["requests"] and "api" not in catalogue


def test_it_refuses_geojson_without_coordinates(catalogue):
    with pytest.raises(ValueError, match="no lat/long"):
        register_dataset(BuiltinDataset("names", "Names", "Names.", (), COLUMNS, rows, formats=("csv", "geojson")))
