"""Category search with the demo city's catalogue against real queries kept as data (intake/data/category_queries.csv).

Each query must put its expected kind of problem first, on the page (no JavaScript) and from the live
filter's endpoint (the same ranking), in English and Spanish.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from django.urls import reverse

from civicdesk.catalog.models import Priority, ServiceGroup
from civicdesk.cities.riverbend import _create_service_type, read_catalogue

DATA = Path(__file__).resolve().parent.parent / "data" / "category_queries.csv"


def _queries() -> list[tuple[str, str]]:
    lines = [line for line in DATA.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    return [(row["query"], row["code"]) for row in csv.DictReader(lines)]


QUERIES = _queries()


@pytest.fixture
def catalogue(db):
    data = read_catalogue()
    groups = {spec["key"]: ServiceGroup.objects.create(name_en=spec["name"]["en"], name_es=spec["name"]["es"],
                                                       order=order)
              for order, spec in enumerate(data["groups"], start=1)}
    codes = []
    for order, spec in enumerate(data["service_types"], start=1):
        _create_service_type(spec, group=groups[spec["group"]], order=order,
                             priority=Priority[spec["priority"].upper()])
        codes.append(spec["code"])
    return codes


def result_codes(html: str) -> list[str]:
    results = html.split('id="search-results"', 1)[1]
    return re.findall(r'<li data-code="([^"]+)"', results)


def test_it_keeps_enough_real_queries_for_known_types(catalogue):
    assert len(QUERIES) >= 60
    assert {code for _, code in QUERIES} <= set(catalogue)
    assert any(query == "bache" for query, _ in QUERIES) and any(query == "basura" for query, _ in QUERIES)


@pytest.mark.parametrize(("query", "code"), QUERIES)
def test_it_puts_the_expected_type_first_on_the_page_and_in_the_live_filter(client, catalogue, query, code):
    page = client.get(reverse("intake:start"), {"q": query})
    assert page.status_code == 200
    assert result_codes(page.content.decode())[:1] == [code], query
    live = client.get(reverse("intake:search"), {"q": query}).json()
    assert live["codes"] == result_codes(page.content.decode()), query
    assert live["emergency"] is False


def test_it_searches_spanish_words_on_the_spanish_page_too(client, catalogue):
    html = client.get(reverse("intake:start"), {"q": "basura no recogida"}, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert result_codes(html)[0] == "missed-trash"
    assert "Basura no recogida" in html
