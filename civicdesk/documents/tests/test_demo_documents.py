"""The Riverbend demo's library: every kind the brief names, real files of each format with their text read,
Spanish and Arabic titles, one earlier version; search finds the documents; loading twice adds nothing."""

from __future__ import annotations

import pytest
from django.utils import timezone

from civicdesk.cities.riverbend import CITY, Riverbend
from civicdesk.documents import demo
from civicdesk.documents.models import Document, DocumentVersion
from civicdesk.jurisdictions.models import Department, Jurisdiction
from civicdesk.jurisdictions.services import clear_caches
from civicdesk.search.services import search, sync_all


@pytest.mark.django_db
def test_it_fills_the_library_with_real_files_of_every_format(client, settings):
    settings.CITY_PACK = "civicdesk.cities.riverbend.Riverbend"
    # A streamed download counts as in flight until the server closes it, which the test client never does.
    settings.OVERLOAD_MAX_IN_FLIGHT = 0
    Riverbend().seed_demo(requests=0)
    clear_caches()
    documents = Document.objects.public()
    assert documents.count() == 11
    assert set(documents.values_list("kind", flat=True)) == {"agenda", "minutes", "bylaw", "zoning_map", "form",
                                                              "report", "plan", "policy", "other"}
    extensions = set(DocumentVersion.objects.values_list("extension", flat=True))
    assert {"pdf", "docx", "odt", "xlsx", "csv"} <= extensions
    assert set(DocumentVersion.objects.values_list("text_status", flat=True)) == {"done", "image"}
    assert all(document.title.get("es") and document.summary.get("es") for document in documents)
    assert all(document.title.get("ar") and document.summary.get("ar") for document in documents)
    noise = Document.objects.get(title__en="Noise bylaw")
    assert noise.versions.count() == 2 and noise.current_version.number == 2

    library = client.get("/documents/").content.decode()
    assert "Snow and ice control plan" in library and "Snow removal plan (superseded)" not in library
    assert "Snow removal plan (superseded)" in client.get("/documents/?show=all").content.decode()
    for document in documents:
        assert client.get(document.get_absolute_url()).status_code == 200
        response = client.get(document.current_version.get_download_url())
        assert response.status_code == 200 and response["Content-Type"] == document.current_version.content_type
        assert len(b"".join(response.streaming_content)) == document.current_version.size

    sync_all()
    assert [r.title for r in search("chlorine residual", language="en").results] == [
        "Water quality report: sampling results"]
    assert "Guía de reciclaje" in [r.title for r in search("envases", language="es").results]
    assert "Reglamento de ruido" in [r.title for r in search("ruido", language="es").results]
    library_ar = client.get("/documents/", HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert "خطة مكافحة الثلج والجليد" in library_ar and 'data-testid="fallback-notice"' not in library_ar

    city = Jurisdiction.objects.get(slug=CITY)
    departments = {d.slug: d for d in Department.objects.filter(jurisdiction=city)}
    noise = Document.objects.get(pk=noise.pk)
    assert noise.created_by.email == "editor@riverbend.example.gov"
    assert noise.reviewed_by.email == "admin@riverbend.example.gov"
    assert demo.seed(jurisdiction=city, departments=departments, writer=noise.created_by,
                     reviewer=noise.reviewed_by, today=timezone.localdate()) == 0
