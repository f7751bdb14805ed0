"""The acceptance test of docs/migrating.md: a city moves from another 311 server to this one through Open311.

The old system is a second CivicDesk: gunicorn in a child process on its own port, serving its own fresh
database, configured (import_city_config) with a catalogue of its own codes and 1,000 requests
(generate_requests). This database reads its catalogue (import_catalogue), a reviewer fixes the proposed
mapping, the mapping is applied, and the history comes across (import_open311_history), twice.
"""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command

from civicdesk.catalog.models import ServiceType
from civicdesk.cityconfig.configfile import export_config
from civicdesk.cityconfig.models import CatalogueSource, ServiceMapping
from civicdesk.datasets.models import ImportedRequest
from civicdesk.servicerequests.models import ServiceRequest
from civicdesk.testing.databases import fresh_database, manage, rows
from civicdesk.testing.live_stack import Stack, server_env

REQUESTS = 1000
OLD_TYPES = [
    # (code, name, group, question) in the old system's own words and codes.
    ("PTH-01", "Pothole", "Roads", {"code": "size", "question": {"en": "How big is it?"},
                                    "datatype": "singlevaluelist", "required": False, "variable": True, "order": 1,
                                    "hint": {}, "choices": [{"key": "small", "label": {"en": "Small"}, "order": 0},
                                                            {"key": "big", "label": {"en": "Big"}, "order": 1}]}),
    ("GRF", "Graffiti", "Roads", None),
    ("TRASH-MISSED", "Garbage not picked up", "Waste", None),
    ("DUMP", "Illegal dumping", "Waste", {"code": "what", "question": {"en": "What was dumped?"}, "datatype": "string",
                                          "required": True, "variable": True, "order": 1, "hint": {}, "choices": []}),
]


def old_system_config(tworld) -> dict:
    """The Town of Elm as the old system had it: the same place, another catalogue."""
    doc = export_config(tworld.elm)
    doc["service_groups"] = [{"name": {"en": "Roads"}, "order": 1}, {"name": {"en": "Waste"}, "order": 2}]
    doc["service_types"] = [
        {"code": code, "name": {"en": name}, "description": {}, "keywords": {}, "group": group, "offered": "here",
         "is_active": True, "is_private": False, "is_sensitive": False, "allow_anonymous": True,
         "allows_public_comments": False, "requires_name": False, "requires_email": False, "requires_phone": False,
         "sla_hours": 48, "default_priority": 3, "duplicate_radius_m": 0, "order": n,
         "questions": [question] if question else []}
        for n, (code, name, group, question) in enumerate(OLD_TYPES)]
    doc["routing_rules"] = [{"name": "Everything", "order": 10, "is_active": True, "service_types": [],
                             "district": "", "area": None, "department": "public-works", "team": ""}]
    doc["response_templates"] = []
    return doc


def _when(value) -> dt.datetime:
    moment = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).replace(microsecond=0)


@pytest.fixture
def old_server(tworld, tmp_path, bench_sqlite_template):
    """The old system: (its Open311 base URL, its database URL), serving until the test ends.

    Its database starts empty; on SQLite as a copy of the one migrated once per test run (`migrate` below then
    has nothing to apply)."""
    config = tmp_path / "old-system.json"
    config.write_text(json.dumps(old_system_config(tworld)), encoding="utf-8")
    url, drop = fresh_database(tmp_path, migrated=True)
    var = tmp_path / "old-var"
    stack = None
    try:
        for step in (("migrate", "-v0"), ("import_city_config", str(config)),
                     ("generate_requests", str(REQUESTS), "--jurisdiction", "elm", "--since", "200", "--seed", "7")):
            done = manage(*step, database_url=url, var_dir=var)
            assert done.returncode == 0, done.stdout + done.stderr
        stack = Stack(env=server_env(database_url=url, var_dir=var), log_dir=tmp_path)
        stack.start_gunicorn(workers=1, threads=4)
        yield f"{stack.base}/open311/v2/", url
    finally:
        if stack is not None and stack.gunicorn is not None:
            stack.gunicorn.terminate()
            stack.gunicorn.wait(timeout=20)
        drop()


def test_it_moves_the_catalogue_and_every_request_across_once(tworld, old_server):
    endpoint, old_url = old_server
    out = io.StringIO()
    call_command("import_catalogue", jurisdiction="elm", source="old-elm", open311=endpoint,
                 remote_jurisdiction="elm.example.gov", stdout=out)
    source = CatalogueSource.objects.get(name="old-elm")
    proposed = {m.incoming_code: m for m in source.mappings.select_related("service_type")}
    assert set(proposed) == {code for code, *_rest in OLD_TYPES}
    # Same name here: mapped to the existing type, with the department routing already sends it to.
    assert proposed["PTH-01"].action == "existing" and proposed["PTH-01"].service_type == tworld.pothole
    assert proposed["PTH-01"].department == tworld.public_works
    assert proposed["GRF"].service_type == tworld.graffiti
    # New to this city: a new type, waiting for the reviewer's choice of department.
    assert proposed["DUMP"].action == "new" and proposed["DUMP"].department is None
    assert proposed["DUMP"].attributes[0]["code"] == "what" and proposed["PTH-01"].attributes[0]["values"]
    # The reviewer's decisions: missed garbage is our "missed-collection"; dumping goes to Sanitation.
    ServiceMapping.objects.filter(pk=proposed["TRASH-MISSED"].pk).update(
        action="existing", service_type=tworld.garbage, department=tworld.sanitation)
    ServiceMapping.objects.filter(pk=proposed["DUMP"].pk).update(new_code="illegal-dumping",
                                                                 department=tworld.sanitation)
    call_command("import_catalogue", jurisdiction="elm", source="old-elm", open311=endpoint,
                 remote_jurisdiction="elm.example.gov", apply=True, stdout=out)
    dumping = ServiceType.objects.get(code="illegal-dumping")
    assert dumping.group.name == "Waste" and dumping.attributes.get().required
    assert dumping.jurisdictions.get() == tworld.elm

    since = (dt.date.today() - dt.timedelta(days=210)).isoformat()
    first = io.StringIO()
    call_command("import_open311_history", jurisdiction="elm", source="old-elm", since=since, stdout=first)
    old = {row[0]: row for row in rows(old_url, (
        "SELECT r.public_id, s.kind, r.requested_at, r.lat, r.long, t.code, r.closed_at "
        "FROM servicerequests_servicerequest r JOIN catalog_status s ON s.id = r.status_id "
        "JOIN catalog_servicetype t ON t.id = r.service_type_id WHERE NOT r.is_private AND NOT t.is_private"))}
    assert len(old) == REQUESTS
    assert f"loaded: {REQUESTS};" in first.getvalue() and "rejected: 0." in first.getvalue()
    target = {"PTH-01": "pothole", "GRF": "graffiti", "TRASH-MISSED": "missed-collection", "DUMP": "illegal-dumping"}
    imported = {i.source_id: i.request for i in ImportedRequest.objects.filter(source="old-elm").select_related(
        "request__status", "request__service_type")}
    assert set(imported) == set(old)
    for public_id, (_id, kind, requested, lat, long, code, closed) in old.items():
        request = imported[public_id]
        assert request.status.kind == kind, public_id
        assert _when(request.requested_at) == _when(requested), public_id
        assert (request.closed_at is None) == (closed is None), public_id
        assert abs(request.lat - lat) < 1e-6 and abs(request.long - long) < 1e-6, public_id
        assert request.service_type.code == target[code] and request.jurisdiction_id == tworld.elm.pk
    assert {r.department_id for r in imported.values() if r.service_type.code == "illegal-dumping"} == {
        tworld.sanitation.pk}

    again = io.StringIO()
    call_command("import_open311_history", jurisdiction="elm", source="old-elm", since=since, stdout=again)
    assert f"loaded: 0; skipped as already imported: {REQUESTS};" in again.getvalue()
    assert ServiceRequest.objects.filter(jurisdiction=tworld.elm).count() == REQUESTS
