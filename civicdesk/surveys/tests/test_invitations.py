"""Inviting an audience: reporters in districts, area subscribers, reporters of a kind of problem; personal
links, one-click unsubscribe, each address once."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from civicdesk.alerts.models import AreaSubscription
from civicdesk.formengine.models import Response
from civicdesk.notifications.models import Delivery
from civicdesk.notifications.services import opt_out
from civicdesk.servicerequests.models import ServiceRequest
from civicdesk.surveys import services
from civicdesk.surveys.models import Invitation, Survey
from civicdesk.testing.auth import login_verified
from civicdesk.testing.fixtures import run_worker

from .helpers import choice, park_survey, questions

pytestmark = pytest.mark.django_db


def _request(world, *, email, district, service_type=None, language="en"):
    return ServiceRequest.objects.create(
        jurisdiction=world.elm, service_type=service_type or world.pothole, description="x", lat=3, long=3,
        district=district, contact_email=email, language=language, status=world.statuses["submitted"])


def test_it_invites_each_address_once_with_a_personal_link(world, django_capture_on_commit_callbacks):
    survey = park_survey(world, respondents=Survey.Respondents.EMAIL)
    _request(world, email="west@example.org", district=world.west, language="es")
    _request(world, email="WEST@example.org", district=world.west)
    _request(world, email="east@example.org", district=world.east)
    _request(world, email="graffiti@example.org", district=world.east, service_type=world.graffiti)
    AreaSubscription.objects.create(email="sub@example.org", district=world.west, confirmed_at=timezone.now())
    opt_out("email", "east@example.org", services.SCOPE)
    queued = services.invite(survey, district_ids=[world.west.pk], subscribers=True,
                             service_type_ids=[world.graffiti.pk])
    assert queued == 3
    assert set(Invitation.objects.values_list("email", "source")) == {
        ("west@example.org", "district"), ("sub@example.org", "subscribers"), ("graffiti@example.org", "problem")}
    west = Delivery.objects.get(address="west@example.org")
    assert west.language == "es" and "/surveys/riverside-park/start/" in west.body_text
    assert west.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert services.invite(survey, district_ids=[world.west.pk], subscribers=True,
                           service_type_ids=[world.graffiti.pk]) == 0
    assert services.invite(survey, district_ids=[world.east.pk]) == 0  # east opted out of survey messages


def test_it_keeps_the_invited_district_with_the_response(world, client):
    survey = park_survey(world, respondents=Survey.Respondents.EMAIL)
    q = questions(survey)
    _request(world, email="west@example.org", district=world.west)
    services.invite(survey, district_ids=[world.west.pk])
    link = next(line for line in Delivery.objects.get().body_text.splitlines() if "/start/" in line).strip()
    client.get(link.replace("http://testserver", ""))
    url = reverse("surveys:answer", args=[survey.slug])
    client.post(url, {q["often"].field_name: choice(q["often"], 4)})
    client.post(url, {q["rating"].field_name: "5", q["dog"].field_name: choice(q["dog"], 2)})
    assert Response.objects.get().district == world.west


@pytest.mark.django_db(transaction=True)
def test_it_queues_invitations_from_the_staff_page_audited(tworld, client, django_capture_on_commit_callbacks):
    world = tworld
    survey = park_survey(world, respondents=Survey.Respondents.EMAIL)
    _request(world, email="west@example.org", district=world.west)
    login_verified(client, world.bob)
    refused = client.post(reverse("surveys_staff:invite", args=[survey.pk]), {})
    assert "Choose at least one district" in refused.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(reverse("surveys_staff:invite", args=[survey.pk]), {"districts": [world.west.pk]})
    assert sent.status_code == 302
    assert survey.audit_entries().filter(action="survey.invitations_queued").exists()
    run_worker()
    assert Delivery.objects.filter(event="survey.invitation", address="west@example.org").exists()
    page = client.get(reverse("surveys_staff:invite", args=[survey.pk])).content.decode()
    assert "1 address invited so far." in page
