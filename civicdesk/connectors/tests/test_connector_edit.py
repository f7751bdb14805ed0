"""The connector list and form: administrators only, secrets never shown back, every save audited."""

from __future__ import annotations

import pytest

from civicdesk.audit.models import AuditEntry
from civicdesk.connectors.models import Connector, StatusMapping
from civicdesk.jurisdictions.models import StaffMembership
from civicdesk.testing.auth import login_verified

SECRET = "supersecret-value-9876"


@pytest.fixture
def admin(world):
    StaffMembership.objects.filter(user=world.carol).update(role=StaffMembership.Role.ADMIN)
    return world.carol


def _form(world, **extra):
    data = {"jurisdiction": world.elm.pk, "name": "County CRM", "kind": "webhook", "enabled": "on",
            "endpoint_url": "https://crm.example.gov/hook", "new_secret": SECRET, "notes_public": "on",
            "send_changes": "on", "incoming": "Done = fixed\nWorking = in_progress", "outgoing": "fixed = Closed",
            "codes": "pothole = RD-PTH", "service_types": [world.pothole.pk]}
    data.update(extra)
    return data


def test_it_creates_a_connector_with_its_table_and_audits_it_without_the_secret(client, admin, world):
    login_verified(client, admin)
    answer = client.post("/staff/connectors/new/", _form(world))
    assert answer.status_code == 302
    connector = Connector.objects.get()
    assert connector.secret == SECRET and connector.remote_code("pothole") == "RD-PTH"
    assert list(connector.service_types.all()) == [world.pothole]
    assert {(m.direction, m.external, m.status.code) for m in StatusMapping.objects.all()} == {
        ("in", "Working", "in_progress"), ("in", "Done", "fixed"), ("out", "Closed", "fixed")}
    entry = AuditEntry.objects.get(action="connector.created")
    assert entry.actor == admin and entry.data["secret_changed"] and SECRET not in str(entry.data)
    page = client.get(f"/staff/connectors/{connector.pk}/")
    assert SECRET.encode() not in page.content and "…9876".encode() in page.content


def test_it_keeps_the_secret_when_the_field_is_left_empty(client, admin, world):
    login_verified(client, admin)
    client.post("/staff/connectors/new/", _form(world))
    connector = Connector.objects.get()
    client.post(f"/staff/connectors/{connector.pk}/", _form(world, new_secret="", name="Renamed CRM"))
    connector.refresh_from_db()
    assert connector.name == "Renamed CRM" and connector.secret == SECRET
    assert AuditEntry.objects.get(action="connector.changed").data["fields"] == ["name"]


@pytest.mark.parametrize(("field", "value", "words"), [
    ("incoming", "Working in_progress", "write it as"),
    ("incoming", "Working = nonsense", "not one of our status codes"),
    ("incoming", "Done = fixed\ndone = closed", "listed twice"),
    ("new_secret", "short", "at least 16 characters"),
    ("endpoint_url", "", "address of the other system"),
])
def test_it_explains_what_is_wrong_and_saves_nothing(client, admin, world, field, value, words):
    login_verified(client, admin)
    answer = client.post("/staff/connectors/new/", _form(world, **{field: value}))
    assert answer.status_code == 200 and words in answer.content.decode()
    assert not Connector.objects.exists()


def test_it_refuses_a_csv_folder_outside_the_connectors_root(client, admin, world):
    login_verified(client, admin)
    answer = client.post("/staff/connectors/new/", _form(world, kind="csv", folder="../../etc"))
    assert "inside the connectors folder" in answer.content.decode() and not Connector.objects.exists()


def test_it_admits_only_administrators(client, world, admin, django_assert_max_num_queries):
    connector = Connector.objects.create(jurisdiction=world.elm, name="Batch <b>one</b>", kind="csv", folder="b")
    login_verified(client, world.bob)
    assert client.get("/staff/connectors/").status_code == 403
    login_verified(client, admin)
    with django_assert_max_num_queries(20):
        page = client.get("/staff/connectors/")
    assert b"Batch &lt;b&gt;one&lt;/b&gt;" in page.content
    StaffMembership.objects.filter(user=world.dave).update(role=StaffMembership.Role.ADMIN)
    login_verified(client, world.dave)
    assert client.get(f"/staff/connectors/{connector.pk}/").status_code == 404
