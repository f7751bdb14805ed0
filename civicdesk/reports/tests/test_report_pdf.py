"""Downloading a report's stored PDF."""

from __future__ import annotations

import pytest
from django.urls import reverse

from civicdesk.reports.services import generate_report

from .helpers import MONTH, local, make_request
from .pdftext import inflated


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def test_it_serves_the_stored_pdf_as_a_named_attachment(client, world, django_assert_max_num_queries):
    make_request(world, requested_at=local(2026, 10, 2))
    report = generate_report(world.elm, MONTH)
    with django_assert_max_num_queries(2):
        response = client.get(reverse("reports:pdf", args=["elm", "2026-10"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="elm-performance-2026-10.pdf"'
    pdf = b"".join(response.streaming_content)
    with report.pdf.open("rb") as handle:
        assert pdf == handle.read()
    assert pdf.startswith(b"%PDF-")
    assert b"/Title (Town of Elm performance report, October 2026)" in inflated(pdf)


def test_it_serves_the_pdf_in_the_readers_language(client, world):
    make_request(world, requested_at=local(2026, 10, 2))
    report = generate_report(world.elm, MONTH)
    url = reverse("reports:pdf", args=["elm", "2026-10"])
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="elm-performance-2026-10-es.pdf"'
    assert response["Content-Language"] == "es" and "Accept-Language" in response["Vary"]
    inside = inflated(b"".join(response.streaming_content))
    assert b"/Lang (es)" in inside and b"Informe de resultados de" in inside
    # A language the site does not offer falls back to the default language's PDF.
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="fr")
    assert english["Content-Language"] == "en" and b"/Lang (en)" in inflated(b"".join(english.streaming_content))
    # A report generated before translated PDFs existed serves its one PDF to every reader.
    report.translated_pdfs = {}
    report.save()
    older = client.get(url, HTTP_ACCEPT_LANGUAGE="es")
    assert older["Content-Disposition"] == 'attachment; filename="elm-performance-2026-10.pdf"'


def test_it_answers_404_when_the_file_is_missing(client, world):
    report = generate_report(world.elm, MONTH)
    report.pdf.storage.delete(report.pdf.name)
    assert client.get(reverse("reports:pdf", args=["elm", "2026-10"])).status_code == 404
    assert client.get(reverse("reports:pdf", args=["elm", "2026-09"])).status_code == 404
