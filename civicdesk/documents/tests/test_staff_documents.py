"""The staff console's document library: editors and jurisdiction admins upload, another editor approves
(documents through the editorial workflow, new versions on the files page); every change audited; files
checked by content with errors in plain words and nothing half-saved."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from civicdesk.documents import samples
from civicdesk.documents.models import Document, DocumentVersion
from civicdesk.editorial.models import Status
from civicdesk.staff.tests.people import seat_people
from civicdesk.testing.auth import login_verified

from .helpers import editors, make_document


def form_data(world, **overrides) -> dict:
    data = {"jurisdiction": world.elm.pk, "kind": "bylaw", "department": world.public_works.pk, "language": "en",
            "title__en": "Sidewalk snow bylaw", "title__es": "Reglamento de nieve en aceras",
            "summary__en": "Clear your sidewalk within 24 hours.", "summary__es": "Limpie su acera en 24 horas.",
            "topics": "snow, sidewalks", "effective_from": "2025-11-01", "effective_until": "",
            "change_note": "Adopted by council"}
    data.update(overrides)
    return data


def pdf_upload(name="bylaw.pdf"):
    return SimpleUploadedFile(name, samples.pdf("Snow", ["Clear sidewalks."]), content_type="application/pdf")


def test_it_lets_an_editor_upload_a_draft_that_another_editor_approves(world, client):
    people = editors(world)
    login_verified(client, people.writer)
    response = client.post("/documents/staff/new/", {**form_data(world), "file": pdf_upload()})
    assert response.status_code == 302, response.content.decode()[:3000]
    document = Document.objects.get()
    assert document.title == {"en": "Sidewalk snow bylaw", "es": "Reglamento de nieve en aceras"}
    assert document.status == Status.DRAFT and not document.is_public()
    version = document.versions.get()
    assert version.uploaded_by == people.writer and version.published_at is None
    assert client.get(f"/documents/{document.pk}/").status_code == 404
    actions = set(document.audit_entries().values_list("action", flat=True))
    assert {"editorial.created", "document.version_added"} <= actions

    client.post(f"/staff/content/document/{document.pk}/action/", {"action": "submit"})
    client.post(f"/staff/content/document/{document.pk}/action/", {"action": "approve"})
    document.refresh_from_db()
    assert document.status == Status.IN_REVIEW  # the writer may not approve their own work
    client.logout()
    login_verified(client, people.reviewer)
    client.post(f"/staff/content/document/{document.pk}/action/", {"action": "approve"})
    document.refresh_from_db()
    assert document.is_public() and document.current_version.number == 1
    assert document.audit_entries().filter(action="document.versions_published_with_approval",
                                           actor=people.reviewer).exists()
    assert client.get(f"/documents/{document.pk}/").status_code == 200


def test_it_keeps_the_current_version_until_another_editor_approves_the_new_one(world, client):
    people = editors(world)
    document = make_document(world, extract=False)
    login_verified(client, people.writer)
    xlsx = SimpleUploadedFile("rates.xlsx", samples.xlsx({"Fines": [["First", 50]]}))
    response = client.post(f"/documents/staff/{document.pk}/versions/", {"file": xlsx, "change_note": "Fines table"})
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.is_public() and document.current_version.number == 1
    response = client.post(f"/documents/staff/{document.pk}/versions/2/approve/", follow=True)
    assert "You uploaded this version, so another editor must approve it." in response.content.decode()
    client.logout()
    login_verified(client, people.reviewer)
    page = client.get(f"/documents/staff/{document.pk}/").content.decode()
    assert "Approve version 2" in page
    client.post(f"/documents/staff/{document.pk}/versions/2/approve/")
    document.refresh_from_db()
    assert document.current_version.number == 2 and document.current_version.extension == "xlsx"
    assert document.audit_entries().filter(action="document.version_approved", actor=people.reviewer).exists()


def test_it_returns_a_document_in_review_to_draft_when_a_file_is_added(world, client):
    from civicdesk.editorial import services as editorial

    people = editors(world)
    document = make_document(world, publish=False, extract=False)
    editorial.submit_for_review(document, user=people.writer)
    login_verified(client, people.reviewer)
    client.post(f"/documents/staff/{document.pk}/versions/", {"file": pdf_upload(), "change_note": "Signed copy"})
    document.refresh_from_db()
    assert document.status == Status.DRAFT and document.updated_by == people.reviewer


def test_it_refuses_a_disguised_file_in_plain_words_and_saves_nothing(world, client):
    login_verified(client, editors(world).writer)
    fake = SimpleUploadedFile("bylaw.pdf", b"<html><body>zqfake</body></html>", content_type="application/pdf")
    response = client.post("/documents/staff/new/", {**form_data(world), "file": fake})
    assert response.status_code == 400
    assert "This file is not a document we can publish" in response.content.decode()
    assert not Document.objects.exists() and not DocumentVersion.objects.exists()


def test_it_accepts_an_image_only_as_a_zoning_map(world, client):
    login_verified(client, seat_people(world).admin)  # jurisdiction admins edit the library too
    picture = samples.map_png("Zones", [("R1", (200, 230, 200))])
    response = client.post("/documents/staff/new/", {**form_data(world), "file": SimpleUploadedFile("m.png", picture)})
    assert response.status_code == 400
    response = client.post("/documents/staff/new/", {**form_data(world, kind="zoning_map"),
                                                     "file": SimpleUploadedFile("m.png", picture)})
    assert response.status_code == 302
    version = Document.objects.get().versions.get()
    assert version.content_type.startswith("image/") and version.text_status == "image"


def test_it_checks_the_department_and_the_dates(world, client):
    login_verified(client, editors(world).writer)
    response = client.post("/documents/staff/new/", {**form_data(world, department=world.roads.pk,
                                                                 effective_until="2020-01-01"),
                                                     "file": pdf_upload()})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Select a valid choice" in page and "must be on or after its start" in page
    assert not Document.objects.exists()


def test_it_keeps_staff_without_an_editing_role_out(world, client):
    seats = seat_people(world)
    document = make_document(world, extract=False)
    for user in (seats.agent, seats.supervisor, world.bob):
        client.logout()
        login_verified(client, user)
        assert client.get("/documents/staff/").status_code == 403, user
        assert client.get(f"/documents/staff/{document.pk}/").status_code == 403, user
    client.logout()
    login_verified(client, world.dave)  # staff of another jurisdiction
    assert client.post(f"/documents/staff/{document.pk}/versions/1/approve/").status_code == 403


def test_it_lists_documents_with_their_state_and_text_status(world, client):
    make_document(world, title={"en": "Zqlisted bylaw"}, extract=False)
    login_verified(client, editors(world).reviewer)
    page = client.get("/documents/staff/").content.decode()
    assert "Zqlisted bylaw" in page and "Published" in page and "Waiting for text extraction" in page
    editor = client.get("/staff/content/?type=document").content.decode()
    assert "Zqlisted bylaw" in editor


def test_it_is_linked_from_the_editorial_console(world, client):
    login_verified(client, editors(world).writer)
    page = client.get("/staff/content/").content.decode()
    assert 'href="/documents/staff/"' in page and "Document library: files and versions" in page
