"""The health check load balancers poll."""

from __future__ import annotations

from django.urls import reverse

URL = reverse("core:healthz")


def test_it_answers_ok_after_asking_the_database(client, db, django_assert_num_queries):
    with django_assert_num_queries(1) as queries:
        response = client.get(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain"
    assert response.content == b"ok"
    assert queries.captured_queries[0]["sql"] == "SELECT 1"


def test_it_needs_no_session_or_sign_in(client, db):
    response = client.get(URL)
    assert not response.cookies
    assert response.status_code == 200
