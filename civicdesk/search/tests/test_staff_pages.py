"""The staff pages of the site search: "What people looked for and did not find" and "Answers before a
report", for editors and jurisdiction admins only, filtered by period (and language)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from civicdesk.jurisdictions.models import StaffMembership
from civicdesk.search import misses
from civicdesk.search.models import AnswerFollow
from civicdesk.staff.tests.people import seat_people
from civicdesk.testing.auth import login_verified

MISSES = reverse("staff:search_misses")
ANSWERS = reverse("staff:search_answers")


@pytest.fixture
def seats(world):
    return seat_people(world)


def test_it_lists_searches_without_results_by_period_and_language(client, world, seats):
    now = timezone.now()
    for _ in range(3):
        misses.record("zqkayak rental", "en", now=now)
    misses.record("zqkayak rental", "en", now=now - dt.timedelta(days=40))
    misses.record("zqalquiler kayak", "es", now=now)
    misses.record("<b>zqbold</b>", "en", now=now)
    login_verified(client, seats.admin)
    html = client.get(MISSES).content.decode()
    assert "What people looked for and did not find" in html
    assert '<th scope="row">zqkayak rental</th><td>3</td>' in html and "zqalquiler kayak" in html
    assert "<b>" not in html.split("data-testid=\"misses\"")[1]
    ninety = client.get(MISSES, {"days": "90", "language": "en"}).content.decode()
    assert '<th scope="row">zqkayak rental</th><td>4</td>' in ninety and "zqalquiler kayak" not in ninety


def test_it_shows_searches_that_found_nothing_and_those_that_found_a_few(client, world, seats):
    now = timezone.now()
    misses.record("zqcanoe hire", "en", now=now)
    misses.record("zqferry times near 1432 Elm Street", "en", found=2, now=now)
    misses.record("zqferry times near 1432 Elm Street", "en", found=1, now=now)
    login_verified(client, seats.admin)
    html = client.get(MISSES).content.decode()
    nothing, few = html.split('data-testid="misses"')[1].split('data-testid="few-results"')
    assert "zqcanoe hire" in nothing and "zqferry" not in nothing
    assert '<th scope="row">zqferry times near [address]</th><td>2</td><td>2</td>' in few
    assert "zqcanoe" not in few and "1432" not in html
    assert "Found nothing" in html and "Found only a few" in html


def test_it_shows_answer_follows_per_page_and_week(client, world, seats, django_assert_max_num_queries):
    now = timezone.now()
    old = now - dt.timedelta(days=3)
    for came_back in (False, False, True):
        AnswerFollow.objects.create(source="content.article", object_id="1", language="en", title="Bulk pickup",
                                    url="/help/bulk/", followed_at=old, came_back=came_back)
    AnswerFollow.objects.create(source="content.faq", object_id="2", language="es", title="Piscina",
                                url="/help/pool/", followed_at=now)
    login_verified(client, seats.admin)
    client.get(ANSWERS)
    with django_assert_max_num_queries(12):
        html = client.get(ANSWERS).content.decode()
    assert "4 answers followed, 2 deflected contacts, 1 reported anyway." in html
    assert '<a class="usa-link" href="/help/bulk/">Bulk pickup</a></th><td>3</td><td>2</td><td>1</td><td>0</td>' in html
    assert '<a class="usa-link" href="/help/pool/">Piscina</a></th><td>1</td><td>0</td><td>0</td><td>1</td>' in html
    assert 'data-testid="by-week"' in html
    page_chart = html.split('data-testid="page-chart"')[1].split("</svg>")[0]
    assert "<title" in page_chart and "Deflected contacts per answer page" in page_chart and "Bulk pickup" in page_chart
    week_chart = html.split('data-testid="week-chart"')[1].split("</svg>")[0]
    assert "Answers followed and deflected contacts per week" in week_chart
    assert reverse("staff:search_answers_csv", args=["page"]) in html
    assert reverse("staff:search_answers_csv", args=["week"]) in html


def test_it_is_for_editors_and_admins_only(client, world, seats):
    for user in (seats.agent, seats.supervisor, seats.contractor):
        login_verified(client, user)
        assert client.get(MISSES).status_code == 403 and client.get(ANSWERS).status_code == 403
    editor = seats.supervisor
    StaffMembership.objects.create(user=editor, jurisdiction=world.county, role="editor")
    login_verified(client, editor)
    assert client.get(MISSES).status_code == 200
    for user in (seats.admin, seats.root):
        login_verified(client, user)
        assert client.get(ANSWERS).status_code == 200
        assert reverse("staff:search_misses") in client.get(reverse("staff:queues")).content.decode()
    client.logout()
    assert client.get(MISSES).status_code == 302


def test_it_speaks_spanish(client, world, seats):
    login_verified(client, seats.admin)
    html = client.get(MISSES, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Lo que la gente buscó y no encontró" in html
