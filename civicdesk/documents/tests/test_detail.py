"""A document's public page and its downloads: current and earlier versions, safe headers, drafts hidden."""

from __future__ import annotations

from civicdesk.documents import samples, services

from .helpers import editors, extract_all, make_document, upload


def test_it_shows_the_current_version_with_type_size_and_pages_and_the_older_ones(world, client):
    document = make_document(world, effective_from="2025-01-01", topics="noise, quiet hours")
    people = editors(world)
    version = services.add_version(document, upload=upload(samples.docx("Noise bylaw", ["Amended hours."])),
                                   user=people.writer, change_note="Quiet hours start at 11 pm")
    extract_all(document)
    assert "v2/download" not in client.get(f"/documents/{document.pk}/").content.decode()  # not approved yet
    services.approve_version(version, user=people.reviewer)
    page = client.get(f"/documents/{document.pk}/").content.decode()
    assert "Noise bylaw" in page and "Quiet hours in town." in page and "quiet hours" in page
    assert "Download (Word document," in page and f"/documents/{document.pk}/v2/download/" in page
    assert "Quiet hours start at 11 pm" in page
    assert "Earlier versions" in page and "Download version 1 (PDF," in page and "1 page." not in page
    assert 'data-testid="fallback-notice"' not in page


def test_it_says_when_a_page_is_not_translated_yet(world, client):
    document = make_document(world, title={"en": "Snow plan"}, summary={"en": "Plow routes."}, extract=False)
    page = client.get(f"/documents/{document.pk}/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Snow plan" in page and 'data-testid="fallback-notice"' in page


def test_it_serves_a_download_as_an_attachment_with_its_sniffed_type_and_a_safe_name(world, client):
    document = make_document(world, title={"en": 'Noise "bylaw"\r\nX-Evil: 1 / ../../etc'}, extract=False)
    response = client.get(f"/documents/{document.pk}/v1/download/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="noise-bylaw-x-evil-1-etc-v1.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_it_never_serves_drafts_or_draft_versions(world, client):
    draft = make_document(world, publish=False, extract=False)
    assert client.get(f"/documents/{draft.pk}/").status_code == 404
    assert client.get(f"/documents/{draft.pk}/v1/download/").status_code == 404
    shown = make_document(world, extract=False)
    services.add_version(shown, upload=upload(samples.pdf("Next", ["Draft text"])), user=editors(world).writer)
    assert client.get(f"/documents/{shown.pk}/v2/download/").status_code == 404
    assert "v2/download" not in client.get(f"/documents/{shown.pk}/").content.decode()


def test_it_tells_residents_when_the_file_has_no_readable_text(world, client):
    document = make_document(world, data=samples.image_pdf())
    page = client.get(f"/documents/{document.pk}/").content.decode()
    assert "This file has no text we could read" in page
