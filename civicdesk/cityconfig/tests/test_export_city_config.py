"""`manage.py export_city_config`: the demo city round-trips through an empty database unchanged."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from civicdesk.catalog.models import ServiceType
from civicdesk.jurisdictions.models import Jurisdiction
from civicdesk.testing.databases import fresh_database, manage


def export(slug: str) -> str:
    out = io.StringIO()
    call_command("export_city_config", slug, stdout=out)
    return out.getvalue()


def _keys(value, found: set) -> set:
    if isinstance(value, dict):
        for key, item in value.items():
            found.add(key)
            _keys(item, found)
    elif isinstance(value, list):
        for item in value:
            _keys(item, found)
    return found


@pytest.fixture
def riverbend(transactional_db):
    from civicdesk.cities.riverbend import Riverbend
    from civicdesk.testing.world import ensure_default_statuses

    ensure_default_statuses()  # an earlier transactional test may have flushed the migration-seeded statuses
    Riverbend().seed_demo(requests=0)


@pytest.mark.usefixtures("bench_sqlite_template")
def test_it_round_trips_the_demo_city_through_an_empty_database(riverbend, tmp_path):
    first = export("riverbend")
    path = tmp_path / "riverbend.json"
    path.write_text(first, encoding="utf-8")
    # Empty: on SQLite a copy of the database migrated once per test run, which `migrate` finds up to date.
    url, drop = fresh_database(tmp_path, migrated=True)
    var = tmp_path / "var"
    try:
        assert manage("migrate", "-v0", database_url=url, var_dir=var).returncode == 0
        imported = manage("import_city_config", str(path), database_url=url, var_dir=var)
        assert imported.returncode == 0, imported.stderr
        assert "+ Service type pothole" in imported.stdout
        again = manage("export_city_config", "riverbend", database_url=url, var_dir=var)
        assert again.returncode == 0, again.stderr
    finally:
        drop()
    assert again.stdout.strip() == first.strip()
    doc = json.loads(first)
    offered = ServiceType.objects.for_jurisdiction(Jurisdiction.objects.get(slug="riverbend")).count()
    assert len(doc["service_types"]) == offered > 30 and len(doc["routing_rules"]) > 5 and doc["holidays"]
    assert {d["slug"] for d in doc["departments"]} >= {"public-works", "sanitation"}
    templates = {t["slug"]: t for t in doc["notice_templates"]}
    assert set(templates) == {"road-closure", "boil-water-advisory", "missed-collection-delay", "park-closure"}
    assert set(templates["boil-water-advisory"]["title"]) == {"en", "es", "ar"}
    assert templates["boil-water-advisory"]["severity"] == "major"


def test_it_keys_everything_by_slugs_and_codes_never_database_ids(riverbend):
    doc = json.loads(export("riverbend"))
    assert doc["format"] == "civicdesk-city-config" and doc["version"] == 1
    assert not _keys(doc, set()) & {"id", "pk", "jurisdiction_id", "department_id"}
    pothole = next(t for t in doc["service_types"] if t["code"] == "pothole")
    assert pothole["name"]["es"] and pothole["group"]
    rule = doc["routing_rules"][0]
    assert isinstance(rule["department"], str) and all(isinstance(c, str) for c in rule["service_types"])


def test_it_names_the_known_jurisdictions_for_an_unknown_slug(world):
    with pytest.raises(CommandError, match="no jurisdiction with the short name “atlantis” .known: elm, maple"):
        export("atlantis")
