"""The report page: every number shown equals a plain-Python computation; no personal data; staff button."""

from __future__ import annotations

import pytest
from django.urls import reverse

from civicdesk.reports.services import generate_report
from civicdesk.staff.tests.people import seat_people
from civicdesk.testing.auth import login_verified

from .helpers import CANARY, MONTH, busy_month, days_between, local, make_request, month_of, public_rows, rank_value
from .pagetext import read_page

END = local(2026, 11, 1, 0, 0)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def url(report) -> str:
    return reverse("reports:detail", args=[report.jurisdiction.slug, report.month_slug])


def shown(values, percentile):
    found = rank_value(values, percentile)
    return "none closed" if found is None else f"{found:.1f}"


def test_it_shows_every_number_as_computed_directly_from_the_rows(client, world, django_assert_max_num_queries):
    busy_month(world)
    report = generate_report(world.elm, MONTH)
    with django_assert_max_num_queries(6):
        response = client.get(url(report))
    assert response.status_code == 200
    figures, tables = read_page(response.content.decode())

    rows = public_rows(world)
    received = [r for r in rows if month_of(r.requested_at) == (2026, 10)]
    closed = [r for r in rows if r.closed_at and month_of(r.closed_at) == (2026, 10)]
    with_sla = [r for r in closed if r.expected_at]
    within = [r for r in with_sla if r.closed_at <= r.expected_at]
    still_open = [r for r in rows if r.requested_at < END and (r.closed_at is None or r.closed_at >= END)]
    assert figures == {"received": str(len(received)), "closed": str(len(closed)),
                       "median": shown([days_between(r) for r in closed], 50),
                       "p90": shown([days_between(r) for r in closed], 90),
                       "sla": f"{len(within) / len(with_sla) * 100:.1f}%", "open": str(len(still_open))}

    table = tables["Requests and time to close by department"]
    assert table[0][:3] == ["Department", "Received", "Closed"]
    for line in table[1:]:
        name = line[0]
        mine = (rows if name == "All departments" else
                [r for r in rows if (r.department.name if r.department else "No department") == name])
        got = [r for r in mine if r.closed_at and month_of(r.closed_at) == (2026, 10)]
        sla = [r for r in got if r.expected_at]
        on_time = [r for r in sla if r.closed_at <= r.expected_at]
        assert line == [
            name, str(sum(1 for r in mine if month_of(r.requested_at) == (2026, 10))), str(len(got)),
            shown([days_between(r) for r in got], 50), shown([days_between(r) for r in got], 90),
            str(len(on_time)), str(len(sla)), f"{len(on_time) / len(sla) * 100:.1f}%" if sla else "no SLA",
            str(sum(1 for r in mine if r.requested_at < END and (r.closed_at is None or r.closed_at >= END)))]
    assert [line[0] for line in table[1:]] == ["Public Works", "Sanitation", "No department", "All departments"]

    busiest = tables["Requests received by kind of problem"]
    counts = {}
    for r in received:
        counts[r.service_type.name] = counts.get(r.service_type.name, 0) + 1
    assert {line[0]: int(line[1]) for line in busiest[1:]} == counts
    assert [int(line[1]) for line in busiest[1:]] == sorted(counts.values(), reverse=True)

    daily = tables["Requests received and closed per day"]
    assert sum(int(line[1]) for line in daily[1:]) == len(received)
    assert sum(int(line[2]) for line in daily[1:]) == len(closed)
    body = response.content.decode()
    assert "No resident answered “was it fixed?” this month" in body
    assert 'role="img"' in body  # the charts, each beside its table
    without = sum(1 for r in closed if r.expected_at is None)
    assert without and f"{without} requests closed this month had none and are left out of it" in body


def test_it_never_shows_personal_data_or_private_kinds(client, world):
    make_request(world, requested_at=local(2026, 10, 2), closed_at=local(2026, 10, 3), **CANARY)
    make_request(world, requested_at=local(2026, 10, 2), private=True, **CANARY)
    make_request(world, requested_at=local(2026, 10, 2), service_type=world.records, **CANARY)
    report = generate_report(world.elm, MONTH)
    body = client.get(url(report)).content.decode()
    for value in CANARY.values():
        assert value not in body
    assert "Sealed records request" not in body
    figures, _tables = read_page(body)
    assert figures["received"] == "1"


def test_it_shows_an_empty_month_plainly(client, world):
    report = generate_report(world.elm, MONTH)
    figures, tables = read_page(client.get(url(report)).content.decode())
    assert figures == {"received": "0", "closed": "0", "median": "none closed", "p90": "none closed",
                       "sla": "no SLA", "open": "0"}
    assert tables["Requests received by kind of problem"][1] == ["No requests in this month."]
    assert "every request closed this month had one" in client.get(url(report)).content.decode()


def test_it_answers_404_for_a_month_without_report_or_a_bad_month(client, world):
    generate_report(world.elm, MONTH)
    assert client.get(reverse("reports:detail", args=["elm", "2026-09"])).status_code == 404
    assert client.get(reverse("reports:detail", args=["elm", "2026-13"])).status_code == 404
    assert client.get(reverse("reports:detail", args=["nowhere", "2026-10"])).status_code == 404


def test_it_offers_regenerating_only_to_supervisors_of_the_jurisdiction(client, world):
    seats = seat_people(world)
    report = generate_report(world.elm, MONTH)
    assert "Regenerate this report" not in client.get(url(report)).content.decode()
    login_verified(client, seats.agent)
    assert "Regenerate this report" not in client.get(url(report)).content.decode()
    login_verified(client, seats.supervisor)
    assert "Regenerate this report" in client.get(url(report)).content.decode()


def test_it_shows_the_page_in_spanish_with_names_as_they_were(client, world):
    world.public_works.name_es = "Obras Públicas"
    world.public_works.save()
    make_request(world, requested_at=local(2026, 10, 2), closed_at=local(2026, 10, 3))
    report = generate_report(world.elm, MONTH)
    world.public_works.name_en = "Streets and Parks"  # renamed later: the archived report keeps the old name
    world.public_works.save()
    body = client.get(url(report), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "octubre de 2026" in body and "Bache" in body and "Solicitudes recibidas" in body
    assert "Obras Públicas" in body
    body = client.get(url(report), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Public Works" in body and "Streets and Parks" not in body
