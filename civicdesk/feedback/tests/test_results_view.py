"""/staff/feedback/: satisfaction and the "fixed" share per department and kind of problem, comments, CSV."""

from __future__ import annotations

import csv
import io

import pytest

from civicdesk.feedback.services import record_answer
from civicdesk.servicerequests import services as requests
from civicdesk.testing.auth import login_verified
from civicdesk.testing.world import IN_WEST_ELM

from .helpers import ask_after, closed_request, question


@pytest.fixture
def answered(world):
    """Three graffiti answers in Public Works (2 fixed: 5 and 3; 1 not fixed with a comment) and one missed
    collection in Sanitation (fixed, rating 4)."""
    graffiti = [closed_request(world, contact_email=f"r{n}@example.org") for n in range(3)]
    garbage = requests.submit_request(service_type=world.garbage, lat=IN_WEST_ELM[0], long=IN_WEST_ELM[1],
                                      description="Bins not emptied", contact_email="g@example.org")
    requests.transition(garbage, world.statuses["fixed"], user=world.carol)
    ask_after()
    record_answer(question(graffiti[0], "email:r0@example.org"), fixed=True, satisfaction=5)
    record_answer(question(graffiti[1], "email:r1@example.org"), fixed=True, satisfaction=3,
                  comment="Took a while")
    record_answer(question(graffiti[2], "email:r2@example.org"), fixed=False,
                  comment="<b>zanzibarcanary</b> still there", comment_public=True)
    record_answer(question(garbage, "email:g@example.org"), fixed=True, satisfaction=4)
    return graffiti, garbage


def test_it_shows_the_numbers_of_the_requests_the_viewer_may_open(client, world, answered):
    login_verified(client, world.bob)
    page = client.get("/staff/feedback/").content.decode()
    assert "3 answers" in page and "66.7% say it was fixed" in page and "Mean satisfaction 4.00 of 5" in page
    assert "Sanitation" not in page  # Bob sees Public Works only
    login_verified(client, world.carol)
    assert "1 answers" in client.get("/staff/feedback/").content.decode()


def test_it_lists_comments_as_text_for_staff_only(client, world, answered):
    login_verified(client, world.bob)
    page = client.get("/staff/feedback/").content.decode()
    assert "Took a while" in page and "&lt;b&gt;zanzibarcanary&lt;/b&gt;" in page
    assert "<b>zanzibarcanary</b>" not in page
    client.logout()
    assert client.get("/staff/feedback/").status_code == 302
    client.force_login(world.mallory)
    assert client.get("/staff/feedback/").status_code == 403


def test_it_charts_each_breakdown_with_its_table_and_csv(client, world, answered):
    login_verified(client, world.bob)
    page = client.get("/staff/feedback/").content.decode()
    assert page.count("<svg") >= 2 and 'data-testid="by-department"' in page and 'data-testid="by-service_type"' in page
    response = client.get("/staff/feedback/service_type.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:6] == ["kind of problem", "answers", "fixed", "share fixed", "ratings", "mean satisfaction"]
    assert rows[1][:6] == ["Graffiti", "3", "2", "0.6667", "2", "4.0"]
    assert "zanzibarcanary" not in response.content.decode()
    assert client.get("/staff/feedback/nothing.csv").status_code == 404


def test_it_filters_by_period(client, world, answered):
    login_verified(client, world.bob)
    page = client.get("/staff/feedback/?start=2020-01-01&end=2020-01-31").content.decode()
    assert "0 answers" in page and "No answers in this period." in page
    bad = client.get("/staff/feedback/?start=2020-02-01&end=2020-01-01").content.decode()
    assert "The start of the period must come before its end." in bad


def test_it_reads_a_bounded_number_of_queries(client, world, answered, django_assert_max_num_queries):
    login_verified(client, world.bob)
    client.get("/staff/feedback/")
    with django_assert_max_num_queries(25):
        assert client.get("/staff/feedback/").status_code == 200
