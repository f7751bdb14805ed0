"""The CSV downloads of the staff page "Answers before a report": per answer page and per week, counts and
page titles only, formulas quoted, for editors and jurisdiction admins only."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from civicdesk.search.models import AnswerFollow
from civicdesk.staff.tests.people import seat_people
from civicdesk.testing.auth import login_verified


@pytest.fixture
def seats(world):
    return seat_people(world)


def _rows(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode())))


def _follow(title: str, *, days_ago: float, came_back: bool = False, object_id: str = "1") -> None:
    AnswerFollow.objects.create(source="content.article", object_id=object_id, language="en", title=title,
                                url=f"/help/{object_id}/", came_back=came_back,
                                followed_at=timezone.now() - dt.timedelta(days=days_ago))


def test_it_downloads_the_counts_per_answer_page(client, world, seats):
    for came_back in (False, False, True):
        _follow("Bulk pickup zqcsvpage", days_ago=3, came_back=came_back)
    _follow("=HYPERLINK(zqformula)", days_ago=0.01, object_id="2")
    _follow("Old zqoutside", days_ago=50, object_id="3")
    login_verified(client, seats.admin)
    response = client.get(reverse("staff:search_answers_csv", args=["page"]))
    assert 'filename="answers-by-page-' in response["Content-Disposition"]
    rows = _rows(response)
    assert rows[0] == ["answer page", "address", "followed", "deflected contacts", "reported anyway", "waiting"]
    assert ["Bulk pickup zqcsvpage", "/help/1/", "3", "2", "1", "0"] in rows
    assert ["'=HYPERLINK(zqformula)", "/help/2/", "1", "0", "0", "1"] in rows
    assert "zqoutside" not in response.content.decode()
    ninety = _rows(client.get(reverse("staff:search_answers_csv", args=["page"]), {"days": "90"}))
    assert ["Old zqoutside", "/help/3/", "1", "1", "0", "0"] in ninety


def test_it_downloads_every_week_of_the_period(client, world, seats):
    _follow("Bulk pickup", days_ago=3)
    _follow("Bulk pickup", days_ago=3, came_back=True)
    login_verified(client, seats.admin)
    rows = _rows(client.get(reverse("staff:search_answers_csv", args=["week"]), {"days": "30"}))
    assert rows[0] == ["week of", "followed", "deflected contacts", "reported anyway", "waiting"]
    weeks = rows[1:]
    assert len(weeks) in (5, 6)
    assert [dt.date.fromisoformat(row[0]).weekday() for row in weeks] == [0] * len(weeks)
    assert sum(int(row[1]) for row in weeks) == 2 and sum(int(row[2]) for row in weeks) == 1
    day = timezone.localdate() - dt.timedelta(days=3)
    monday = (day - dt.timedelta(days=day.weekday())).isoformat()
    assert [monday, "2", "1", "1", "0"] in weeks


def test_it_is_for_editors_and_admins_only(client, world, seats):
    url = reverse("staff:search_answers_csv", args=["page"])
    login_verified(client, seats.agent)
    assert client.get(url).status_code == 403
    login_verified(client, seats.admin)
    assert client.get(reverse("staff:search_answers_csv", args=["people"])).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_it_speaks_spanish_and_arabic(client, world, seats):
    login_verified(client, seats.admin)
    url = reverse("staff:search_answers_csv", args=["week"])
    assert _rows(client.get(url, HTTP_ACCEPT_LANGUAGE="es"))[0][0] == "semana del"
    assert _rows(client.get(url, HTTP_ACCEPT_LANGUAGE="ar"))[0][0] == "أسبوع"
