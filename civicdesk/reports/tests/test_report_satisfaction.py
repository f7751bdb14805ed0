"""The monthly report's "Resident satisfaction" section: "was it fixed?" answers of the month (civicdesk.feedback)."""

from __future__ import annotations

import itertools

import pytest
from django.urls import reverse

from civicdesk.feedback.models import Answer, Invitation
from civicdesk.reports.services import compute_report, generate_report

from .helpers import MONTH, local, make_request

_N = itertools.count()


def answer(world, when, *, fixed, satisfaction=None, private=False, jurisdiction=None, comment=""):
    request = make_request(world, requested_at=local(2026, 9, 1), closed_at=local(2026, 9, 20), private=private,
                           jurisdiction=jurisdiction,
                           department="roads" if jurisdiction is not None else "public_works")
    n = next(_N)
    invitation = Invitation.objects.create(request=request, respondent=f"email:q{n}@example.org", role="reporter",
                                           channel="email", address=f"q{n}@example.org", token=f"rep{n:029d}")
    return Answer.objects.create(invitation=invitation, request=request, fixed=fixed, satisfaction=satisfaction,
                                 channel="web", created_at=when, updated_at=when, comment=comment)


@pytest.fixture
def answered(world):
    inside = [answer(world, local(2026, 10, 1, 0, 5), fixed=True, satisfaction=5, comment="zanzibarcanary said"),
              answer(world, local(2026, 10, 15), fixed=False, satisfaction=2),
              answer(world, local(2026, 10, 31, 23, 55), fixed=True)]
    answer(world, local(2026, 9, 30, 23, 55), fixed=False, satisfaction=1)  # the month before
    answer(world, local(2026, 11, 1, 0, 5), fixed=False, satisfaction=1)  # the month after
    answer(world, local(2026, 10, 10), fixed=False, satisfaction=1, private=True)  # private: never counted
    answer(world, local(2026, 10, 10), fixed=False, satisfaction=1, jurisdiction=world.county)  # another report
    return inside


def test_it_counts_the_answers_given_in_the_month_about_public_requests(world, answered):
    data = compute_report(world.elm, MONTH)["satisfaction"]
    ratings = [a.satisfaction for a in answered if a.satisfaction]
    assert data == {"answers": 3, "fixed": 2, "fixed_share": pytest.approx(2 / 3), "rated": 2,
                    "mean_satisfaction": pytest.approx(sum(ratings) / len(ratings))}


def test_it_shows_the_figures_on_the_report_page_without_comments(client, world, answered):
    report = generate_report(world.elm, MONTH)
    body = client.get(reverse("reports:detail", args=[report.jurisdiction.slug, report.month_slug])
                      ).content.decode()
    assert 'data-figure="answers">3<' in body and 'data-figure="fixed_share">66.7%<' in body
    assert 'data-figure="mean_satisfaction">3.50<' in body
    assert "zanzibarcanary" not in body


def test_it_keeps_the_old_wording_for_reports_made_before_residents_were_asked(client, world, answered):
    report = generate_report(world.elm, MONTH)
    report.data["satisfaction"] = None
    report.save(update_fields=["data"])
    body = client.get(reverse("reports:detail", args=[report.jurisdiction.slug, report.month_slug])
                      ).content.decode()
    assert "Satisfaction will appear here once" in body
