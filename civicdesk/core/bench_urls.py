"""Bench-only endpoints: the ceilings `make bench` measures the real endpoints against.

Mounted under /bench/ only when the BENCH_ENDPOINTS setting is true (environment
variable of the same name); never enable it on a public server. Both views run
through the same middleware, server and database connection settings as every
other page, so "Open311 POST ÷ bare insert" shows what the application itself
costs on top of HTTP and one durable commit.

- `GET /bench/noop`: the trivial endpoint; no database, a two-byte answer.
- `POST /bench/insert`: one row inserted into the table `bench_insert` in its own
  transaction (autocommit: one statement, one commit). The benchmark creates the
  table (`bench/common.py: create_bench_table`); it is not part of any migration.
"""

from __future__ import annotations

from django.db import connection
from django.http import HttpResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

BENCH_TABLE = "bench_insert"


@require_GET
def noop(request):
    """The cheapest answer the stack can give: no database, no template."""
    return HttpResponse("ok", content_type="text/plain")


@csrf_exempt
@require_POST
def insert(request):
    """Insert one row (the posted body, cut to 200 characters, and the time); answer "ok" once committed."""
    body = request.body[:200].decode("utf-8", errors="replace")
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {connection.ops.quote_name(BENCH_TABLE)} (body, created_at) VALUES (%s, %s)",
                       [body, timezone.now()])
    return HttpResponse("ok", content_type="text/plain")


app_name = "bench"
urlpatterns = [
    path("noop", noop, name="noop"),
    path("insert", insert, name="insert"),
]
