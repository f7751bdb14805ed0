"""Shared set-up for the search tests: the demo city's whole catalogue, and the index written from it."""

from __future__ import annotations

from civicdesk.catalog.models import Priority, ServiceGroup
from civicdesk.cities.riverbend import _create_service_type, read_catalogue
from civicdesk.search.services import sync_all


def load_demo_catalogue() -> dict[str, int]:
    """Every group and service type of the demo city (civicdesk/cities/data/riverbend/catalogue.json); {code: pk}."""
    data = read_catalogue()
    groups = {spec["key"]: ServiceGroup.objects.create(name_en=spec["name"]["en"], name_es=spec["name"]["es"],
                                                       order=order)
              for order, spec in enumerate(data["groups"], start=1)}
    codes = {}
    for order, spec in enumerate(data["service_types"], start=1):
        service_type = _create_service_type(spec, group=groups[spec["group"]], order=order,
                                            priority=Priority[spec["priority"].upper()])
        codes[spec["code"]] = service_type.pk
    return codes


def indexed_catalogue() -> dict[str, int]:
    codes = load_demo_catalogue()
    sync_all()
    return codes


def result_codes(results) -> list[str]:
    """The service codes of the "Report a problem" results, in order (their URLs are /report/<code>/)."""
    return [result.url.strip("/").split("/")[-1] for result in results.results if result.kind == "service"]
