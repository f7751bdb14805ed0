"""/staff/insights/: only staff seats, each seeing the hotspots of what it may see, with filters and downloads."""

from __future__ import annotations

import csv
import io
import json

import pytest

from civicdesk.insights.models import Hotspot
from civicdesk.insights.services import run_detection
from civicdesk.staff.tests.people import seat_people
from civicdesk.testing.auth import login_verified

from .helpers import cluster, file_many

pytestmark = pytest.mark.django_db
URL = "/staff/insights/"


@pytest.fixture
def found(world):
    cluster(world)  # Public Works potholes
    file_many(world, world.garbage, 7, days_ago=1, department=world.sanitation, lat=3.0126, long=2.5126,
              address="20 Elm Road")
    file_many(world, world.records, 6, days_ago=1, department=None, lat=3.0226, long=2.5226,
              address="30 Birch Lane")  # a private kind, waiting in triage
    run_detection()
    return {h.service_type.code for h in Hotspot.objects.filter(kind="cell")}


def cells_seen(client, user) -> set[str]:
    login_verified(client, user)
    response = client.get(URL + "cells.json")
    assert response.status_code == 200
    return {row["service_code"] for row in response.json()}


def test_it_shows_each_seat_the_hotspots_it_may_see(client, world, found):
    assert found == {"pothole", "missed-collection", "records"}
    seats = seat_people(world)
    assert cells_seen(client, world.bob) == {"pothole"}  # Public Works staff
    assert cells_seen(client, world.carol) == {"missed-collection"}  # Sanitation
    assert cells_seen(client, world.dave) == set()  # the county
    assert cells_seen(client, seats.agent) == {"pothole", "missed-collection"}  # no private kinds
    assert cells_seen(client, seats.supervisor) == {"pothole"}
    assert cells_seen(client, seats.admin) == {"pothole", "missed-collection", "records"}
    assert cells_seen(client, seats.root) == {"pothole", "missed-collection", "records"}
    # A jurisdiction-wide supervisor (no department) reaches the triage queue, private kinds included.
    from civicdesk.accounts.models import User
    from civicdesk.jurisdictions.models import StaffMembership

    wide = User.objects.create_user(email="vic@elm.example.gov", password="x" * 12, is_staff=True)
    StaffMembership.objects.create(user=wide, jurisdiction=world.elm, role=StaffMembership.Role.SUPERVISOR)
    assert cells_seen(client, wide) == {"records"}


def test_it_is_only_for_staff_seats(client, world, found):
    seats = seat_people(world)
    assert client.get(URL).status_code == 302  # to sign in
    client.force_login(world.mallory)
    assert client.get(URL).status_code == 403
    login_verified(client, seats.contractor)
    assert client.get(URL).status_code == 403
    assert client.get(URL + "cells.csv").status_code == 403
    pothole = Hotspot.objects.get(kind="cell", service_type=world.pothole)
    assert client.get(f"{URL}{pothole.pk}/").status_code == 403
    login_verified(client, world.carol)
    assert client.get(f"{URL}{pothole.pk}/").status_code == 404
    assert client.get(f"{URL}{pothole.pk}.json").status_code == 404


def test_it_asks_for_the_second_factor_first(client, world, found):
    client.force_login(world.bob)
    response = client.get(URL)
    assert response.status_code == 302 and "/account/" in response["Location"]


def test_it_lists_the_three_sections_with_downloads(client, world, found):
    seats = seat_people(world)
    login_verified(client, seats.admin)
    page = client.get(URL)
    html = page.content.decode()
    assert page.status_code == 200 and page["Cache-Control"] == "private, no-store"
    for section in ("cells", "spikes", "repeats"):
        assert f'data-testid="table-{section}"' in html
        assert f"{URL}{section}.csv" in html and f"{URL}{section}.json" in html
    assert "around 12 Oak Street" in html
    rows = list(csv.DictReader(io.StringIO(client.get(URL + "cells.csv").content.decode())))
    assert {row["service_code"] for row in rows} == {"pothole", "missed-collection", "records"}
    assert "rita@example.org" not in client.get(URL + "repeats.csv").content.decode()


def test_it_filters_by_department_kind_district_and_status(client, world, found):
    seats = seat_people(world)
    login_verified(client, seats.admin)
    by_department = client.get(URL + "cells.json", {"department": world.sanitation.pk}).json()
    assert [row["service_code"] for row in by_department] == ["missed-collection"]
    by_type = client.get(URL + "cells.json", {"service_type": world.pothole.pk}).json()
    assert [row["service_code"] for row in by_type] == ["pothole"]
    by_district = client.get(URL + "cells.json", {"district": world.east.pk}).json()
    assert by_district == []
    assert client.get(URL + "cells.json", {"status": "resolved"}).json() == []
    assert client.get(URL + "cells.json", {"district": 99999}).json() == []  # not a choice: nothing, not all
    page = client.get(URL, {"service_type": world.pothole.pk})
    assert page.status_code == 200 and "20 Elm Road" not in page.content.decode()


def test_it_reads_a_bounded_number_of_queries(client, world, found, django_assert_max_num_queries):
    seats = seat_people(world)
    login_verified(client, seats.admin)
    client.get(URL)
    for n in range(30):
        file_many(world, world.graffiti, 3, days_ago=1, department=world.public_works, lat=3.1 + n * 0.01,
                  long=2.6, address=f"{n} Pine Street")
    run_detection()
    with django_assert_max_num_queries(25):
        assert client.get(URL).status_code == 200


def test_it_downloads_one_hotspot_with_its_requests(client, world, found):
    login_verified(client, world.bob)
    pothole = Hotspot.objects.get(kind="cell", service_type=world.pothole)
    data = client.get(f"{URL}{pothole.pk}.json").json()
    assert data["observed"] == 8 and len(data["requests"]) == 8
    assert set(data["requests"][0]) == {"tracking_number", "requested_at", "address", "status"}
    rows = list(csv.DictReader(io.StringIO(client.get(f"{URL}{pothole.pk}.csv").content.decode())))
    assert len(rows) == 8 and rows[0]["service_code"] == "pothole"
    page = client.get(f"{URL}{pothole.pk}/")
    assert page.status_code == 200 and json.dumps(pothole.observed) in page.content.decode()


def test_it_charts_the_weekly_series_with_its_table_and_csv(client, world, found):
    login_verified(client, world.bob)
    pothole = Hotspot.objects.get(kind="cell", service_type=world.pothole)
    weeks = pothole.weekly_counts()
    assert len(weeks) == 14 and sum(count for _start, count in weeks) == 10  # 2 in the baseline, 8 in the window
    assert [count for _start, count in weeks][-1] == 8
    html = client.get(f"{URL}{pothole.pk}/").content.decode()
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img"' in html and 'data-testid="weekly"' in html
    rows = list(csv.DictReader(io.StringIO(client.get(f"{URL}{pothole.pk}/weekly.csv").content.decode())))
    assert [int(row["reports"]) for row in rows] == [count for _start, count in weeks]
    repeat = Hotspot.objects.filter(kind="repeat").first()
    assert repeat.weekly_counts() == []
