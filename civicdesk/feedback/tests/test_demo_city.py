"""The Riverbend demo: answers on closed requests, real numbers for every staff login, department and kind."""

from __future__ import annotations

import pytest
from django.utils import timezone

from civicdesk.accounts.models import User
from civicdesk.catalog.models import ServiceType, Status
from civicdesk.cities.riverbend import Riverbend
from civicdesk.feedback import stats
from civicdesk.feedback.models import Answer, Invitation
from civicdesk.feedback.services import reopen_status
from civicdesk.jurisdictions.models import Department
from civicdesk.jurisdictions.services import clear_caches
from civicdesk.servicerequests.models import TimelineEntry
from civicdesk.staff import access
from civicdesk.testing.auth import login_verified


@pytest.fixture
def demo(db, settings):
    settings.CITY_PACK = "civicdesk.cities.riverbend.Riverbend"
    Riverbend().seed_demo(requests=800)
    clear_caches()


def test_it_can_reopen_from_every_closed_status_of_the_demo_city(demo):
    for status in Status.objects.filter(kind=Status.Kind.CLOSED):
        target = reopen_status(status)
        assert target is not None and target.is_open and status.can_move_to(target), status.code


def test_it_answers_some_closed_requests_consistently(demo):
    answers = Answer.objects.select_related("request")
    assert answers.count() >= 20
    assert answers.filter(fixed=False).exists() and answers.exclude(comment="").exists()
    for answer in answers.filter(fixed=False):
        assert TimelineEntry.objects.filter(request=answer.request, kind=TimelineEntry.Kind.STATUS,
                                            status_from__kind="closed", status_to__kind="open").exists()
    for answer in answers:
        assert answer.created_at <= timezone.now() and answer.created_at > answer.request.requested_at
    assert Answer.objects.filter(reply_at__isnull=False).exists()


def test_it_shows_real_numbers_on_every_page_for_every_login_department_and_kind(client, demo):
    today = timezone.localdate()
    year_ago = today.replace(year=today.year - 1)
    for user in User.objects.filter(memberships__isnull=False).distinct():
        login_verified(client, user)
        response = client.get(f"/staff/feedback/?start={year_ago}&end={today}")
        assert response.status_code == 200, user.email
        visible = Answer.objects.filter(request__in=access.requests_visible_to(user).values("pk"))
        assert response.context["total"].answers == stats.in_period(visible, year_ago, today).count()
    client.logout()
    shown = 0
    for department in Department.objects.all():
        row = stats.public_summary(year_ago, today, department_id=department.pk)
        got = client.get(f"/dashboard/satisfaction.csv?department={department.pk}&period=365").content.decode()
        assert f"answers,Answers,{row.answers}" in got.replace("\r", ""), department.name
        shown += row.answers > 0
    assert shown >= 3
    for service_type in ServiceType.objects.filter(is_private=False):
        assert client.get(f"/dashboard/?type={service_type.code}").status_code == 200
    assert client.get("/feedback/replies/").context["page"].object_list
    invitation = Invitation.objects.filter(answer__isnull=False).first()
    assert "Your answer" in client.get(f"/feedback/{invitation.token}/").content.decode()
