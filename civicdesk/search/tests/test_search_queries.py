"""Site search against real queries kept as data: intake/data/category_queries.csv (residents' own words for
the demo city's kinds of problem, English and Spanish, misspellings included). On both language sites, the
expected kind of problem must be among the first three "Report a problem" results, and first for nearly all."""

from __future__ import annotations

import csv
from pathlib import Path

from civicdesk.search.services import search

from .helpers import indexed_catalogue, result_codes

DATA = Path(__file__).resolve().parents[2] / "intake" / "data" / "category_queries.csv"


def _queries() -> list[tuple[str, str]]:
    lines = [line for line in DATA.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    return [(row["query"], row["code"]) for row in csv.DictReader(lines)]


def test_it_finds_the_kind_of_problem_residents_mean(db):
    codes = indexed_catalogue()
    queries = _queries()
    assert len(queries) >= 60 and {code for _, code in queries} <= set(codes)
    for language in ("en", "es"):
        first, missed = 0, []
        for query, code in queries:
            found = result_codes(search(query, language=language, kinds=["service"]))
            first += found[:1] == [code]
            if code not in found[:3]:
                missed.append((query, code, found[:3]))
        assert missed == [], f"{language}: {missed}"
        assert first >= 0.95 * len(queries), f"{language}: only {first} of {len(queries)} first"
