"""Staff pages for published datasets: upload a CSV, describe the columns, publish and withdraw, who may do what."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from civicdesk.audit.models import AuditEntry
from civicdesk.opendata.models import DatasetColumn, DatasetRow, PublishedDataset
from civicdesk.staff.tests.people import seat_people
from civicdesk.testing.auth import login_verified

from .test_published_datasets import PROJECTS, make_published


def upload(client, world, data: bytes, **extra):
    return client.post("/open-data/staff/new/", {
        "jurisdiction": world.elm.pk, "title": "Capital projects", "description": "What the city builds.",
        "keywords": "projects", "frequency": "R/P1Y", "file": SimpleUploadedFile("projects.csv", data, "text/csv"),
        **extra})


def test_it_reads_an_uploaded_file_into_a_draft_and_opens_the_column_editor(world, client):
    login_verified(client, world.bob)
    answer = upload(client, world, PROJECTS.encode())
    dataset = PublishedDataset.objects.get()
    assert answer.status_code == 302 and answer.url == f"/open-data/staff/{dataset.pk}/"
    assert dataset.published_at is None and dataset.row_count == 4 and dataset.created_by == world.bob
    assert [(c.key, c.type) for c in dataset.columns.all()] == [
        ("project", "text"), ("ward", "text"), ("status", "text"), ("budget_usd", "integer"), ("start_date", "date")]
    page = client.get(answer.url)
    assert page.status_code == 200 and page["Cache-Control"].startswith("max-age=0") or "no-store" in page["Cache-Control"]
    assert "Column “Budget (USD)”" in page.content.decode()
    assert AuditEntry.objects.filter(action="opendata.dataset_created", actor=world.bob).count() == 1


def test_it_explains_a_bad_file_and_saves_nothing(world, client):
    login_verified(client, world.bob)
    answer = upload(client, world, b"Project,Budget\nOak,100\nElm,200,300\n")
    assert answer.status_code == 400
    html = answer.content.decode()
    assert "Line 3 has 3 values but the header has 2 columns" in html and "There is a problem" in html
    assert not PublishedDataset.objects.exists() and not DatasetRow.objects.exists()
    assert not DatasetColumn.objects.exists()


def test_it_saves_column_descriptions_and_types_with_an_audit_entry(world, client):
    dataset = make_published(world, published=False)
    login_verified(client, world.bob)
    columns = list(dataset.columns.all())
    data = {"dataset-title": "Capital projects 2026", "dataset-description": "Roads and parks.",
            "dataset-keywords": "capital", "dataset-frequency": "R/P1M",
            "columns-TOTAL_FORMS": len(columns), "columns-INITIAL_FORMS": len(columns)}
    for index, column in enumerate(columns):
        data.update({f"columns-{index}-pk": column.pk, f"columns-{index}-title": column.name.upper(),
                     f"columns-{index}-description": f"About {column.name}",
                     f"columns-{index}-type": "decimal" if column.key == "budget_usd" else column.type})
    answer = client.post(f"/open-data/staff/{dataset.pk}/", data)
    assert answer.status_code == 302
    dataset.refresh_from_db()
    assert dataset.title == "Capital projects 2026" and dataset.frequency == "R/P1M"
    budget = dataset.columns.get(key="budget_usd")
    assert (budget.title, budget.description, budget.type) == ("BUDGET (USD)", "About Budget (USD)", "decimal")
    entry = AuditEntry.objects.get(action="opendata.dataset_described")
    assert entry.actor == world.bob and entry.data["changes"]["column:Budget (USD)"]["type"] == {
        "from": "integer", "to": "decimal"}


def test_it_lets_only_supervisors_and_admins_publish(world, client):
    dataset = make_published(world, published=False)
    login_verified(client, world.bob)  # Public Works staff: prepares, does not publish
    assert client.post(f"/open-data/staff/{dataset.pk}/publish/").status_code == 403
    assert "A supervisor or an administrator publishes datasets." in client.get(
        f"/open-data/staff/{dataset.pk}/").content.decode()
    seats = seat_people(world)
    login_verified(client, seats.supervisor)
    assert client.post(f"/open-data/staff/{dataset.pk}/publish/").status_code == 302
    dataset.refresh_from_db()
    assert dataset.published_at is not None
    assert client.post(f"/open-data/staff/{dataset.pk}/withdraw/").status_code == 302
    dataset.refresh_from_db()
    assert dataset.published_at is None
    assert list(AuditEntry.objects.filter(action__in=["opendata.dataset_published", "opendata.dataset_unpublished"])
                .order_by("id").values_list("action", "actor")) == [
        ("opendata.dataset_published", seats.supervisor.pk), ("opendata.dataset_unpublished", seats.supervisor.pk)]


def test_it_keeps_other_jurisdictions_and_other_people_out(world, client):
    dataset = make_published(world, published=False)
    login_verified(client, world.dave)  # county staff: their own datasets only
    assert client.get("/open-data/staff/").status_code == 200
    assert client.get(f"/open-data/staff/{dataset.pk}/").status_code == 404
    seats = seat_people(world)
    for person in (seats.agent, seats.contractor):
        login_verified(client, person)
        assert client.get("/open-data/staff/").status_code == 403
    client.force_login(world.mallory)
    assert client.get("/open-data/staff/new/").status_code == 403
    client.logout()
    assert client.get("/open-data/staff/").status_code == 302  # to sign in


def test_it_replaces_the_file_keeping_column_descriptions(world, client):
    dataset = make_published(world)
    dataset.columns.filter(key="ward").update(description="City council ward")
    login_verified(client, world.bob)
    answer = client.post(f"/open-data/staff/{dataset.pk}/file/", {"file": SimpleUploadedFile(
        "v2.csv", b"Project,Ward,Budget (USD)\nNew park,South,5000\n", "text/csv")})
    assert answer.status_code == 302
    dataset.refresh_from_db()
    assert dataset.row_count == 1 and dataset.columns.get(key="ward").description == "City council ward"
    bad = client.post(f"/open-data/staff/{dataset.pk}/file/", {"file": SimpleUploadedFile(
        "v3.csv", b"Project,Project\nA,B\n", "text/csv")})
    assert bad.status_code == 400 and "Two columns are named" in bad.content.decode()
    assert DatasetRow.objects.filter(dataset=dataset).count() == 1  # unchanged
