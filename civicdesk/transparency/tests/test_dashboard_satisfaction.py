"""/dashboard/'s "Was it fixed?" table and CSV, per scope, against a direct SQL computation (no comments)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools

import pytest
from django.db import connection
from django.utils import timezone

from civicdesk.feedback.models import Answer, Invitation
from civicdesk.servicerequests import services
from civicdesk.testing.world import IN_EAST_ELM, IN_WEST_ELM

_N = itertools.count()


def answered(world, kind, where, *, fixed, satisfaction=None, days_ago=1, private=False, comment=""):
    extra = {"attributes": {"depth": "deep"}} if kind == "pothole" else {}
    if kind in ("garbage", "records"):
        extra["contact_email"] = "resident@example.org"
    request = services.submit_request(service_type=getattr(world, kind), lat=where[0], long=where[1],
                                      description="A report", **extra)
    if private:
        request.is_private = True
        request.save(update_fields=["is_private"])
    n = next(_N)
    invitation = Invitation.objects.create(request=request, respondent=f"email:p{n}@example.org", role="reporter",
                                           channel="email", address=f"p{n}@example.org", token=f"tok{n:029d}")
    when = timezone.now() - dt.timedelta(days=days_ago)
    return Answer.objects.create(invitation=invitation, request=request, fixed=fixed, satisfaction=satisfaction,
                                 comment=comment, channel="web", created_at=when, updated_at=when)


@pytest.fixture
def answers(world):
    answered(world, "graffiti", IN_EAST_ELM, fixed=True, satisfaction=5, comment="zanzibarcanary comment")
    answered(world, "graffiti", IN_WEST_ELM, fixed=False, satisfaction=1)
    answered(world, "pothole", IN_EAST_ELM, fixed=True)
    answered(world, "pothole", IN_WEST_ELM, fixed=True, satisfaction=4)
    answered(world, "garbage", IN_WEST_ELM, fixed=False, satisfaction=2)
    answered(world, "graffiti", IN_EAST_ELM, fixed=False, satisfaction=1, private=True)  # never counted
    answered(world, "records", IN_EAST_ELM, fixed=False, satisfaction=1)  # a private kind: never counted
    answered(world, "graffiti", IN_EAST_ELM, fixed=True, satisfaction=3, days_ago=200)  # outside 90 days


def direct(since, where: str = "", params=()) -> tuple:
    """(answers, fixed share, mean satisfaction) straight from the tables."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*), SUM(CASE WHEN a.fixed THEN 1 ELSE 0 END), AVG(a.satisfaction) "
            "FROM feedback_answer a JOIN servicerequests_servicerequest r ON r.id = a.request_id "
            "JOIN catalog_servicetype t ON t.id = r.service_type_id "
            "WHERE r.is_private = %s AND t.is_private = %s AND a.created_at >= %s " + where,
            [False, False, since, *params])
        count, fixed, mean = cursor.fetchone()
    return count, (fixed / count if count else None), (round(float(mean), 2) if mean is not None else None)


def shown(client, query: str) -> tuple:
    rows = {row[0]: row[2] for row in csv.reader(io.StringIO(
        client.get(f"/dashboard/satisfaction.csv?{query}").content.decode()))}
    return (int(rows["answers"]), float(rows["fixed_share"]) if rows["fixed_share"] else None,
            float(rows["mean_satisfaction"]) if rows["mean_satisfaction"] else None)


def test_it_matches_sql_for_every_scope(client, world, answers):
    since = timezone.now() - dt.timedelta(days=90)
    scopes = [("", "", ()), ("jurisdiction=elm", "AND r.jurisdiction_id = %s", (world.elm.pk,)),
              (f"department={world.public_works.pk}", "AND r.department_id = %s", (world.public_works.pk,)),
              ("type=graffiti", "AND r.service_type_id = %s", (world.graffiti.pk,)),
              (f"district={world.east.pk}", "AND r.district_id = %s", (world.east.pk,))]
    for query, where, params in scopes:
        expected = direct(since, where, params)
        got = shown(client, query)
        assert got[0] == expected[0], query
        assert got[1] == pytest.approx(expected[1]) if expected[1] is not None else got[1] is None, query
        assert got[2] == expected[2], query
    assert direct(since)[0] == 5


def test_it_shows_the_table_on_the_page_without_comments(client, world, answers):
    html = client.get("/dashboard/").content.decode()
    assert 'data-testid="satisfaction-answers">5<' in html
    assert 'data-testid="satisfaction-fixed_share">60%<' in html or 'satisfaction-fixed_share">60.0%' in html
    assert 'data-testid="satisfaction-mean_satisfaction">3.0<' in html
    assert "zanzibarcanary" not in html
