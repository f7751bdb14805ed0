"""GET /search/: the results page, its filters and pages, in both languages, without JavaScript."""

from __future__ import annotations

from civicdesk.notices.models import ServiceNotice
from civicdesk.notices.tests.helpers import make_notice
from civicdesk.search.services import sync_all


def test_it_shows_results_with_their_kind_and_extract(client, world):
    make_notice(world, title_en="Bulk pickup dates", kind=ServiceNotice.Kind.NEWS,
                body_en="Mattresses and sofas go out the first Monday.")
    sync_all()
    response = client.get("/search/", {"q": "mattress"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "1 result" in html and "Bulk pickup dates" in html and "<mark>Mattresses</mark>" in html
    assert "News and service notices" in html
    assert "<title>Search results for “mattress”" in html


def test_it_renders_script_in_pages_and_queries_as_text(client, world):
    make_notice(world, title_en="Zqxcanary <script>alert('t')</script> notice",
                body_en="<img src=x onerror=alert(1)> zqxcanary body")
    sync_all()
    html = client.get("/search/", {"q": "zqxcanary <script>alert(1)</script>"}).content.decode()
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&#x27;t&#x27;)&lt;/script&gt;" in html


def test_it_says_what_is_wrong_with_a_query(client, world):
    response = client.get("/search/", {"q": "x" * 201})
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html and "Use at most 200 characters." in html
    assert 'aria-describedby="id_q_helptext id_q_error"' in html or 'id_q_error' in html
    assert client.get("/search/", {"q": "pot\x00hole"}).status_code == 400
    assert client.get("/search/", {"q": "pothole", "page": "0"}).status_code == 400


def test_it_filters_by_kind_and_pages_with_links(client, world, django_assert_max_num_queries):
    for n in range(25):
        make_notice(world, title_en=f"Hydrant flushing week {n}", kind=ServiceNotice.Kind.NEWS)
    sync_all()
    with django_assert_max_num_queries(6):
        html = client.get("/search/", {"q": "hydrant", "kind": "news"}).content.decode()
    assert "25 results" in html and 'aria-current="page"' in html
    assert "?q=hydrant&amp;kind=news&amp;page=2" in html and "Page 1 of 2" in html
    second = client.get("/search/", {"q": "hydrant", "kind": "news", "page": "2"}).content.decode()
    assert "Previous results" in second and "More results" not in second
    # An old link to a kind that no longer exists searches everything.
    assert client.get("/search/", {"q": "hydrant", "kind": "gone"}).status_code == 200


def test_it_says_when_nothing_matches_and_what_to_do(client, world):
    html = client.get("/search/", {"q": "zzzqqqnothing"}).content.decode()
    assert "No results" in html and "start a report" in html


def test_it_speaks_spanish(client, world):
    make_notice(world, title_es="Reparación de tubería en Oak Street")
    sync_all()
    html = client.get("/search/", {"q": "tuberia"}, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Buscar en este sitio" in html and "Reparación de tubería en Oak Street" in html and "1 resultado" in html


def test_it_is_linked_from_every_page(client, world):
    assert 'href="/search/"' in client.get("/").content.decode()
