"""/dashboard/ and its CSV downloads: every number equals a direct computation from the requests table."""

from __future__ import annotations

import csv
import datetime as dt
import io
import math

import pytest
import time_machine
from django.utils import timezone

from civicdesk.servicerequests import services
from civicdesk.testing.world import IN_COUNTY_ONLY, IN_EAST_ELM, IN_WEST_ELM
from civicdesk.transparency import rollups

from .helpers import direct_dashboard

NOW = dt.datetime(2026, 6, 15, 17, 0, tzinfo=dt.timezone.utc)


def at(when, fn, *args, **kwargs):
    with time_machine.travel(when, tick=False):
        return fn(*args, **kwargs)


def file(world, kind, where, when, **extra):
    if kind == "pothole":
        extra.setdefault("attributes", {"depth": "shallow"})
    if kind in ("garbage", "records"):
        extra.setdefault("contact_email", "resident@example.org")
    return at(when, services.submit_request, service_type=getattr(world, kind), lat=where[0], long=where[1],
              description="A report", contact_name="Pat Resident", **extra)


@pytest.fixture
def city(world):
    """Requests this year and the same weeks last year, closed fast and slow, reopened, private, transferred."""
    s = world.statuses
    ago = lambda **kw: NOW - dt.timedelta(**kw)  # noqa: E731
    made = {}
    made["fast"] = file(world, "pothole", IN_WEST_ELM, ago(days=3))
    at(ago(days=3, hours=-2), services.transition, made["fast"], s["fixed"], force=True)
    made["slow"] = file(world, "pothole", IN_EAST_ELM, ago(days=40))
    at(ago(days=10), services.transition, made["slow"], s["fixed"], force=True)
    made["reopened"] = file(world, "graffiti", IN_EAST_ELM, ago(days=20))
    at(ago(days=19), services.transition, made["reopened"], s["fixed"], force=True)
    at(ago(days=18), services.transition, made["reopened"], s["in_progress"], force=True)
    made["open_new"] = file(world, "garbage", IN_WEST_ELM, ago(hours=2))
    made["open_week"] = file(world, "garbage", IN_WEST_ELM, ago(days=4))
    made["open_old"] = file(world, "graffiti", IN_WEST_ELM, ago(days=50))
    made["county"] = file(world, "graffiti", IN_COUNTY_ONLY, ago(days=12))
    made["transferred"] = file(world, "pothole", IN_WEST_ELM, ago(days=6))
    at(ago(days=5), services.transfer, made["transferred"], department=world.sanitation, reason="Theirs")
    made["private"] = file(world, "pothole", IN_WEST_ELM, ago(days=2))
    at(ago(days=1), services.set_private, made["private"], private=True)
    made["records"] = file(world, "records", IN_WEST_ELM, ago(days=2))
    for days in (364 + 3, 364 + 10, 364 + 11):
        last_year = file(world, "pothole", IN_WEST_ELM, ago(days=days))
        at(ago(days=days - 1), services.transition, last_year, s["fixed"], force=True)
    at(NOW, rollups.sync_rollups)
    return made


def get(client, url):
    with time_machine.travel(NOW, tick=False):
        return client.get(url)


def read_csv(client, table, query=""):
    response = get(client, f"/dashboard/{table}.csv?{query}")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode())))


def number(text):
    if text == "":
        return None
    if text == ">365":
        return math.inf
    return float(text)


FILTERS = [
    ("", {}),
    ("period=30", {}),
    ("period=365", {}),
    ("jurisdiction=elm", {"jurisdiction__slug": "elm"}),
    ("jurisdiction=maple&period=30", {"jurisdiction__slug": "maple"}),
    ("type=pothole&period=365", {"service_type__code": "pothole"}),
    ("type=graffiti&period=30", {"service_type__code": "graffiti"}),
    ("district=WEST&period=90", {"district": "WEST"}),
    ("department=PW", {"department": "PW"}),
    ("department=SAN&type=garbage&period=30", {"department": "SAN", "service_type__code": "missed-collection"}),
]


@pytest.mark.parametrize("query, filters", FILTERS)
def test_it_shows_numbers_equal_to_a_direct_computation_for_each_filter(client, world, city, query, filters):
    ids = {"WEST": world.west.pk, "PW": world.public_works.pk, "SAN": world.sanitation.pk}
    query = query.replace("WEST", str(ids["WEST"])).replace("PW", str(ids["PW"])).replace("SAN", str(ids["SAN"]))
    query = query.replace("type=garbage", "type=missed-collection")
    filters = {k: ids.get(v, v) for k, v in filters.items()}
    period = int(dict(part.split("=") for part in query.split("&") if part).get("period", 90))
    with time_machine.travel(NOW, tick=False):
        expected = direct_dashboard(timezone.localdate(), period, **filters)

    summary = {row[0]: row for row in read_csv(client, "summary", query)[1:]}
    for key, value in expected["now"].items():
        assert number(summary[key][2]) == pytest.approx(value), key
    for key, value in expected["last_year"].items():
        assert number(summary[key][3]) == pytest.approx(value), key
    assert int(summary["open_backlog"][2]) == sum(expected["backlog"].values())

    weekly = read_csv(client, "weekly", query)[1:]
    assert [(dt.date.fromisoformat(r[0]), int(r[2]), int(r[3])) for r in weekly] == expected["weekly"]
    backlog = read_csv(client, "backlog", query)[1:]
    assert [int(r[1]) for r in backlog] == list(expected["backlog"].values())
    kinds = {r[0]: (int(r[1]), int(r[2])) for r in read_csv(client, "kinds", query)[1:]}
    assert kinds == expected["kinds"]

    page = get(client, f"/dashboard/?{query}")
    assert page.status_code == 200
    assert page.context["board"].current.received == expected["now"]["received"]


def test_it_has_data_worth_checking(client, world, city):
    summary = {row[0]: row for row in read_csv(client, "summary", "period=365")[1:]}
    assert int(summary["received"][2]) >= 5 and int(summary["closed"][2]) >= 2
    assert float(summary["reopen_rate"][2]) > 0 and float(summary["closed_within_sla_share"][2]) < 1
    backlog = [int(r[1]) for r in read_csv(client, "backlog")[1:]]
    assert all(backlog), backlog  # one request in every age bucket


def test_it_never_counts_private_requests_or_private_types(client, world, city):
    with time_machine.travel(NOW, tick=False):
        everything = direct_dashboard(timezone.localdate(), 30)
    summary = {row[0]: row for row in read_csv(client, "summary", "period=30")[1:]}
    assert int(summary["received"][2]) == everything["now"]["received"]
    names = [r[0] for r in read_csv(client, "kinds", "period=30")[1:]]
    assert "Sealed records request" not in names
    page = get(client, "/dashboard/")
    assert b"Sealed records request" not in page.content and b"Pat Resident" not in page.content
    assert b"resident@example.org" not in page.content


def test_it_writes_the_numbers_on_the_page_as_people_read_them(client, world, city):
    page = get(client, "/dashboard/?period=365")
    html = page.content.decode()
    assert 'data-testid="summary-received">' in html
    board = page.context["board"]
    share = board.current.sla_share()
    assert f"{round(100 * share, 1)}%" in html
    assert "Open requests by age" in html and "<svg" in html and "<table" in html
    assert html.count("Download this table (CSV)") == 5


def test_it_ignores_an_unknown_filter_and_says_so(client, world, city):
    page = get(client, "/dashboard/?type=nothing-like-this&period=7")
    assert page.status_code == 200
    assert page.context["board"].scope == rollups.Scope() and page.context["board"].period_days == 90
    assert b"This filter was ignored." in page.content
    assert b'aria-describedby="id_type-error"' in page.content and b'id="id_type-error"' in page.content


def test_it_answers_from_the_rollups_in_a_few_queries(client, world, city, django_assert_max_num_queries):
    with django_assert_max_num_queries(15):  # 14 from the roll-ups, 1 for "was it fixed?"
        get(client, "/dashboard/?jurisdiction=elm&period=365")


def test_it_refuses_an_unknown_table(client, world, city):
    assert get(client, "/dashboard/secrets.csv").status_code == 404


def test_it_speaks_spanish(client, world, city):
    with time_machine.travel(NOW, tick=False):
        page = client.get("/dashboard/?period=30", HTTP_ACCEPT_LANGUAGE="es")
        rows = client.get("/dashboard/backlog.csv", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Cómo le va a la ciudad" in page.content.decode() and "Últimos 30 días" in page.content.decode()
    assert rows.startswith("antigüedad,solicitudes abiertas") and "Menos de 1 día" in rows


def test_it_shows_the_period_it_counts_as_chosen(client, world, city):
    html = get(client, "/dashboard/").content.decode()
    assert '<option value="90" selected>' in html
    html = get(client, "/dashboard/?type=pothole").content.decode()
    assert '<option value="90" selected>' in html and '<option value="pothole" selected>' in html
