"""The staff console's document library: who may upload, new versions, publishing; every change audited;
files checked by content with errors in plain words and nothing half-saved."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from civicdesk.documents.models import Document, DocumentVersion
from civicdesk.documents import samples
from civicdesk.staff.tests.people import seat_people
from civicdesk.testing.auth import login_verified

from .helpers import make_document


def form_data(world, **overrides) -> dict:
    data = {"jurisdiction": world.elm.pk, "kind": "bylaw", "department": world.public_works.pk, "language": "en",
            "title_en": "Sidewalk snow bylaw", "title_es": "Reglamento de nieve en aceras",
            "summary_en": "Clear your sidewalk within 24 hours.", "summary_es": "Limpie su acera en 24 horas.",
            "topics": "snow, sidewalks", "effective_from": "2025-11-01", "effective_until": "",
            "unpublish_at": "", "change_note": "Adopted by council"}
    data.update(overrides)
    return data


def pdf_upload(name="bylaw.pdf"):
    return SimpleUploadedFile(name, samples.pdf("Snow", ["Clear sidewalks."]), content_type="application/pdf")


def test_it_lets_a_jurisdiction_admin_upload_and_publish_a_document_audited(world, client):
    admin = seat_people(world).admin
    login_verified(client, admin)
    response = client.post("/documents/staff/new/", {**form_data(world), "file": pdf_upload(), "publish": "1"})
    assert response.status_code == 302, response.content.decode()[:3000]
    document = Document.objects.get()
    assert document.title == {"en": "Sidewalk snow bylaw", "es": "Reglamento de nieve en aceras"}
    assert document.is_public() and document.current_version.number == 1
    assert document.current_version.uploaded_by == admin and document.current_version.change_note == "Adopted by council"
    actions = set(document.audit_entries().values_list("action", flat=True))
    assert {"document.created", "document.version_added", "document.published"} <= actions
    assert client.get(f"/documents/{document.pk}/").status_code == 200


def test_it_adds_a_version_that_becomes_current_and_keeps_the_old_one(world, client):
    admin = seat_people(world).admin
    document = make_document(world, user=admin, extract=False)
    login_verified(client, admin)
    xlsx = SimpleUploadedFile("rates.xlsx", samples.xlsx({"Fines": [["First", 50]]}))
    response = client.post(f"/documents/staff/{document.pk}/versions/",
                           {"file": xlsx, "change_note": "Fines table", "publish": "on"})
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.current_version.number == 2 and document.current_version.extension == "xlsx"
    assert document.versions.count() == 2
    assert document.audit_entries().filter(action="document.version_added", actor=admin).count() == 2


def test_it_refuses_a_disguised_file_in_plain_words_and_saves_nothing(world, client):
    login_verified(client, seat_people(world).admin)
    fake = SimpleUploadedFile("bylaw.pdf", b"<html><body>zqfake</body></html>", content_type="application/pdf")
    response = client.post("/documents/staff/new/", {**form_data(world), "file": fake, "publish": "1"})
    assert response.status_code == 400
    assert "This file is not a document we can publish" in response.content.decode()
    assert not Document.objects.exists() and not DocumentVersion.objects.exists()


def test_it_accepts_an_image_only_as_a_zoning_map(world, client):
    login_verified(client, seat_people(world).admin)
    picture = samples.map_png("Zones", [("R1", (200, 230, 200))])
    response = client.post("/documents/staff/new/", {**form_data(world), "file": SimpleUploadedFile("m.png", picture)})
    assert response.status_code == 400
    response = client.post("/documents/staff/new/", {**form_data(world, kind="zoning_map"),
                                                     "file": SimpleUploadedFile("m.png", picture)})
    assert response.status_code == 302
    version = Document.objects.get().versions.get()
    assert version.content_type.startswith("image/") and version.text_status == "image"


def test_it_checks_the_department_and_the_dates(world, client):
    login_verified(client, seat_people(world).admin)
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
        assert client.get(f"/documents/staff/{document.pk}/").status_code == 404, user
    client.logout()
    login_verified(client, world.dave)  # staff of another jurisdiction
    assert client.post(f"/documents/staff/{document.pk}/unpublish/").status_code == 404


def test_it_unpublishes_and_republishes_audited(world, client):
    admin = seat_people(world).admin
    document = make_document(world, extract=False)
    login_verified(client, admin)
    client.post(f"/documents/staff/{document.pk}/unpublish/")
    assert client.get(f"/documents/{document.pk}/").status_code == 404
    client.post(f"/documents/staff/{document.pk}/publish/")
    assert client.get(f"/documents/{document.pk}/").status_code == 200
    assert document.audit_entries().filter(action="document.unpublished", actor=admin).exists()


def test_it_saves_details_and_shows_the_list(world, client):
    admin = seat_people(world).admin
    document = make_document(world, extract=False)
    login_verified(client, admin)
    response = client.post(f"/documents/staff/{document.pk}/", form_data(world, title_en="Noise bylaw (2026)",
                                                                         title_es="", summary_es=""))
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.title == {"en": "Noise bylaw (2026)"}
    assert document.audit_entries().filter(action="document.changed", actor=admin).exists()
    page = client.get("/documents/staff/").content.decode()
    assert "Noise bylaw (2026)" in page and "Waiting for text extraction" in page
