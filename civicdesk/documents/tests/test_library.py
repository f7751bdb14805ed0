"""The public library /documents/: filters by kind, department, year and in force / all; pages; no N+1."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from civicdesk.documents.models import Document

from .helpers import make_document


def listed(response) -> list[str]:
    return [document.title_text() for document in response.context["page"].object_list]


def test_it_lists_public_documents_in_force_by_default_and_all_on_request(world, client):
    today = timezone.localdate()
    make_document(world, title={"en": "Noise bylaw 2024"}, effective_from=today - dt.timedelta(days=300),
                  extract=False)
    make_document(world, title={"en": "Old noise bylaw"}, effective_from=dt.date(2010, 1, 1),
                  effective_until=today - dt.timedelta(days=301), extract=False)
    make_document(world, title={"en": "Draft bylaw"}, publish=False, extract=False)
    response = client.get("/documents/")
    assert response.status_code == 200
    assert listed(response) == ["Noise bylaw 2024"]
    response = client.get("/documents/?show=all")
    assert listed(response) == ["Noise bylaw 2024", "Old noise bylaw"]
    assert "No longer in force" in response.content.decode()


def test_it_filters_by_kind_department_and_year(world, client):
    make_document(world, title={"en": "Fence permit form"}, kind=Document.Kind.FORM, department=world.public_works,
                  effective_from=dt.date(2025, 3, 1), extract=False)
    make_document(world, title={"en": "Recycling plan"}, kind=Document.Kind.PLAN, department=world.sanitation,
                  effective_from=dt.date(2024, 6, 1), extract=False)
    assert listed(client.get("/documents/?kind=form&show=all")) == ["Fence permit form"]
    assert listed(client.get(f"/documents/?department={world.sanitation.pk}&show=all")) == ["Recycling plan"]
    assert listed(client.get("/documents/?year=2024&show=all")) == ["Recycling plan"]
    page = client.get("/documents/").content.decode()
    assert '<option value="2025">2025</option>' in page and "Sanitation" in page


def test_it_refuses_a_bad_filter_with_the_error_summary(world, client):
    response = client.get("/documents/?kind=spaceship")
    assert response.status_code == 400
    page = response.content.decode()
    assert 'data-testid="error-summary"' in page and "Select a valid choice." in page
    assert response.context["page"].paginator.count == 0


def test_it_renders_script_in_titles_as_text(world, client):
    make_document(world, title={"en": "<script>alert('zqxss')</script> bylaw"},
                  summary={"en": "<img src=x onerror=zqboom>"}, extract=False)
    page = client.get("/documents/").content.decode()
    assert "<script>alert('zqxss')" not in page and "&lt;script&gt;alert(&#x27;zqxss&#x27;)" in page
    assert "<img src=x" not in page


def test_it_hides_drafts_scheduled_and_expired_documents(world, client):
    draft = make_document(world, title={"en": "Zqdraft plan"}, publish=False, extract=False)
    later = make_document(world, title={"en": "Zqlater plan"}, extract=False,
                          publish_at=timezone.now() + dt.timedelta(hours=3))
    gone = make_document(world, title={"en": "Zqgone plan"}, extract=False)
    Document.objects.filter(pk=gone.pk).update(unpublish_at=timezone.now() - dt.timedelta(minutes=1))
    assert listed(client.get("/documents/?show=all")) == []
    assert client.get(f"/documents/{draft.pk}/").status_code == 404
    assert client.get(f"/documents/{later.pk}/").status_code == 404
    assert client.get(f"/documents/{gone.pk}/").status_code == 404


def test_it_pages_with_a_fixed_number_of_queries(world, client, django_assert_max_num_queries):
    for number in range(25):
        make_document(world, title={"en": f"Minutes {number}"}, kind=Document.Kind.MINUTES,
                      department=world.public_works if number % 2 else world.sanitation,
                      effective_from=dt.date(2020 + number % 5, 1, 1 + number), extract=False)
    client.get("/documents/")  # warm the per-process caches (site settings, jurisdictions)
    with django_assert_max_num_queries(8):
        response = client.get("/documents/?show=all")
    assert len(listed(response)) == 20
    page = response.content.decode()
    assert 'aria-label="Pages of documents"' in page and 'href="?show=all&amp;page=2"' in page
    with django_assert_max_num_queries(8):
        response = client.get("/documents/?show=all&page=2")
    assert len(listed(response)) == 5


def test_it_is_a_section_of_the_help_hub(world, client):
    page = client.get("/help/").content.decode()
    assert 'href="/documents/"' in page and "Bylaws, council agendas and minutes" in page
    spanish = client.get("/help/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Reglamentos, órdenes del día y actas del concejo" in spanish
