"""Bench-only endpoints: absent unless BENCH_ENDPOINTS is set; when mounted, cheap and correct."""

from __future__ import annotations

from django.db import connection
from django.test import RequestFactory

from civicdesk.core import bench_urls


def test_it_mounts_no_bench_url_by_default(client, db):
    assert client.get("/bench/noop").status_code == 404
    assert client.post("/bench/insert", {"body": "x"}).status_code == 404


def test_it_answers_the_trivial_endpoint_without_the_database(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = bench_urls.noop(RequestFactory().get("/bench/noop"))
    assert response.status_code == 200 and response.content == b"ok"


def test_it_inserts_one_row_per_call(db):
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {bench_urls.BENCH_TABLE} (id integer PRIMARY KEY, body text NOT NULL, "
                       "created_at timestamp NOT NULL)" if connection.vendor == "sqlite" else
                       f"CREATE TABLE {bench_urls.BENCH_TABLE} (id bigserial PRIMARY KEY, body text NOT NULL, "
                       "created_at timestamptz NOT NULL)")
    request = RequestFactory().post("/bench/insert", data="body=hello", content_type="application/x-www-form-urlencoded")
    assert bench_urls.insert(request).status_code == 200
    assert bench_urls.insert(RequestFactory().get("/bench/insert")).status_code == 405
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT body FROM {bench_urls.BENCH_TABLE}")
        assert [row[0] for row in cursor.fetchall()] == ["body=hello"]
