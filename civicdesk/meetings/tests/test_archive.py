"""The public meetings archive: filters in the query string, numbered pages, no drafts, few queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from civicdesk.meetings.models import Meeting

from .helpers import make_meeting

pytestmark = pytest.mark.django_db


def titles(response) -> list[str]:
    return [m.title for m in response.context["page"].object_list]


def test_it_lists_upcoming_published_meetings_soonest_first(world, client):
    make_meeting(world, title_en="Later one", starts_at=timezone.now() + dt.timedelta(days=9))
    make_meeting(world, title_en="Sooner one", starts_at=timezone.now() + dt.timedelta(days=2))
    make_meeting(world, title_en="Secret draft", publish=False)
    make_meeting(world, title_en="Last month", starts_at=timezone.now() - dt.timedelta(days=30))
    response = client.get("/meetings/")
    assert response.status_code == 200
    assert titles(response) == ["Sooner one", "Later one"]
    assert "Secret draft" not in response.content.decode()


def test_it_filters_by_when_kind_jurisdiction_dates_and_words(world, client):
    now = timezone.now()
    make_meeting(world, title_en="Council budget vote", kind=Meeting.Kind.COUNCIL,
                 starts_at=now - dt.timedelta(days=40))
    make_meeting(world, title_en="Tree workshop", kind=Meeting.Kind.WORKSHOP, starts_at=now - dt.timedelta(days=10))
    make_meeting(world, title_en="County hearing", kind=Meeting.Kind.HEARING, jurisdiction=world.county,
                 starts_at=now + dt.timedelta(days=5))
    assert titles(client.get("/meetings/?when=past")) == ["Tree workshop", "Council budget vote"]
    assert titles(client.get("/meetings/?when=all&kind=council")) == ["Council budget vote"]
    assert titles(client.get("/meetings/?when=all&jurisdiction=maple")) == ["County hearing"]
    assert titles(client.get("/meetings/?when=all&q=budget")) == ["Council budget vote"]
    day = timezone.localdate(now - dt.timedelta(days=10)).isoformat()  # dates are read in the site time zone
    assert titles(client.get(f"/meetings/?date_from={day}&date_to={day}")) == ["Tree workshop"]


def test_it_explains_a_date_range_that_ends_before_it_starts(world, client):
    response = client.get("/meetings/?date_from=2027-02-01&date_to=2027-01-01")
    assert response.status_code == 400
    assert "The end date must be on or after the start date." in response.content.decode()


def test_it_pages_without_javascript_in_a_few_queries(world, client, django_assert_max_num_queries):
    start = timezone.now() + dt.timedelta(days=1)
    for number in range(25):
        make_meeting(world, title_en=f"Meeting {number:02d}", starts_at=start + dt.timedelta(hours=number * 3))
    with django_assert_max_num_queries(8):
        first = client.get("/meetings/?kind=town_hall")
    assert len(titles(first)) == 20
    body = first.content.decode()
    assert "kind=town_hall&amp;page=2" in body
    second = client.get("/meetings/?kind=town_hall&page=2")
    assert titles(second) == [f"Meeting {n}" for n in range(20, 25)]


def test_it_shows_script_in_a_title_as_text(world, client):
    make_meeting(world, title_en="<script>alert('quokkacanary')</script>")
    body = client.get("/meetings/").content.decode()
    assert "<script>alert('quokkacanary')" not in body
    assert "&lt;script&gt;alert(&#x27;quokkacanary&#x27;)&lt;/script&gt;" in body
