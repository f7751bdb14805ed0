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


ROWS = [("Done", "fixed", "in"), ("Working", "in_progress", "in"), ("Closed", "fixed", "out")]


def _table(rows, blank: int = 2) -> dict:
    """The status table's POST data: `rows` (their status, our status code, direction) and `blank` empty lines."""
    data = {"status-TOTAL_FORMS": str(len(rows) + blank), "status-INITIAL_FORMS": "0"}
    for number, (external, code, direction) in enumerate([*rows, *[("", "", "in")] * blank]):
        data.update({f"status-{number}-external": external, f"status-{number}-status": code,
                     f"status-{number}-direction": direction})
    return data


def _form(world, rows=ROWS, **extra):
    data = {"jurisdiction": world.elm.pk, "name": "County CRM", "kind": "webhook", "enabled": "on",
            "endpoint_url": "https://crm.example.gov/hook", "new_secret": SECRET, "notes_public": "on",
            "send_changes": "on", "codes": "pothole = RD-PTH", "service_types": [world.pothole.pk], **_table(rows)}
    data.update(extra)
    return data


def _mappings() -> set[tuple[str, str, str]]:
    return {(m.direction, m.external, m.status.code) for m in StatusMapping.objects.select_related("status")}


def test_it_creates_a_connector_with_its_table_and_audits_it_without_the_secret(client, admin, world):
    login_verified(client, admin)
    answer = client.post("/staff/connectors/new/", _form(world))
    assert answer.status_code == 302
    connector = Connector.objects.get()
    assert connector.secret == SECRET and connector.remote_code("pothole") == "RD-PTH"
    assert list(connector.service_types.all()) == [world.pothole]
    assert _mappings() == {("in", "Working", "in_progress"), ("in", "Done", "fixed"), ("out", "Closed", "fixed")}
    entry = AuditEntry.objects.get(action="connector.created")
    assert entry.actor == admin and entry.data["secret_changed"] and SECRET not in str(entry.data)
    assert ["in", "Done", "fixed"] in entry.data["status_table"] and "status_table" in entry.data["fields"]
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


def test_it_stores_a_both_ways_row_as_two_and_shows_it_back_as_one(client, admin, world):
    login_verified(client, admin)
    client.post("/staff/connectors/new/", _form(world, rows=[("COMPLETE", "fixed", "both"), ("OPEN", "submitted", "in")]))
    assert _mappings() == {("in", "COMPLETE", "fixed"), ("out", "COMPLETE", "fixed"), ("in", "OPEN", "submitted")}
    connector = Connector.objects.get()
    page = client.get(f"/staff/connectors/{connector.pk}/").content.decode()
    assert 'name="status-TOTAL_FORMS" value="5"' in page  # two rows and three blank ones
    assert 'name="status-0-external" id="id_status-0-external" value="COMPLETE"' in page
    assert '<option value="both" selected>' in page
    assert page.count('<option value="both" selected>') == 1


def test_it_changes_the_table_and_audits_the_new_rows(client, admin, world):
    login_verified(client, admin)
    client.post("/staff/connectors/new/", _form(world))
    connector = Connector.objects.get()
    client.post(f"/staff/connectors/{connector.pk}/", _form(world, new_secret="", rows=[
        ("Done", "fixed", "in"), ("", "", "in"), ("Finished", "cancelled", "both")]))
    assert _mappings() == {("in", "Done", "fixed"), ("in", "Finished", "cancelled"), ("out", "Finished", "cancelled")}
    entry = AuditEntry.objects.get(action="connector.changed")
    assert entry.data["fields"] == ["status_table"] and entry.actor == admin
    assert entry.data["status_table"] == [["in", "Done", "fixed"], ["in", "Finished", "cancelled"],
                                          ["out", "Finished", "cancelled"]]


@pytest.mark.parametrize(("rows", "words"), [
    ([("Working", "nonsense", "in")], "That is not one of our statuses"),
    ([("Done", "fixed", "in"), ("done", "cancelled", "both")], "“done” is listed twice for updates coming in"),
    ([("Closed", "fixed", "out"), ("Shut", "fixed", "both")], "is listed twice for updates going out"),
    ([("Working", "", "in")], "Choose which of our statuses “Working” stands for"),
    ([("", "fixed", "out")], "Write their status for"),
    ([("x" * 81, "fixed", "in")], "Keep their status under 80 characters."),
])
def test_it_explains_what_is_wrong_in_the_table_and_keeps_the_old_one(client, admin, world, rows, words):
    login_verified(client, admin)
    client.post("/staff/connectors/new/", _form(world))
    connector = Connector.objects.get()
    answer = client.post(f"/staff/connectors/{connector.pk}/", _form(world, rows=rows, new_secret="", name="Other"))
    page = answer.content.decode()
    assert answer.status_code == 200 and words in page and "There is a problem" in page
    assert "<title>Error:" in page
    connector.refresh_from_db()
    assert connector.name == "County CRM"
    assert _mappings() == {("in", "Working", "in_progress"), ("in", "Done", "fixed"), ("out", "Closed", "fixed")}
    assert not AuditEntry.objects.filter(action="connector.changed").exists()


def test_it_labels_every_box_of_the_table_in_arabic(client, admin, world):
    login_verified(client, admin)
    page = client.get("/staff/connectors/new/", HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert "السطر 3: حالتهم" in page and "السطر 1: حالتنا" in page and "في الاتجاهين" in page


def test_it_allows_one_word_going_out_for_several_of_our_statuses(client, admin, world):
    login_verified(client, admin)
    client.post("/staff/connectors/new/", _form(world, rows=[("CLOSED", "fixed", "out"), ("CLOSED", "cancelled", "out")]))
    assert _mappings() == {("out", "CLOSED", "fixed"), ("out", "CLOSED", "cancelled")}


def test_it_shows_their_status_as_text_not_html(client, admin, world):
    login_verified(client, admin)
    client.post("/staff/connectors/new/", _form(world, rows=[("<script>alert(1)</script>Quokkaword", "fixed", "in")]))
    page = client.get(f"/staff/connectors/{Connector.objects.get().pk}/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;Quokkaword" in page and "<script>alert(1)" not in page


@pytest.mark.parametrize(("field", "value", "words"), [
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

