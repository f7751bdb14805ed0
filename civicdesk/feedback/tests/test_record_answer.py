""""services.record_answer(): one answer per person per request; "not fixed" reopens and tells the team once."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import IntegrityError
from django.utils import timezone

from civicdesk.audit.models import AuditEntry
from civicdesk.feedback.models import Answer, FeedbackPolicy
from civicdesk.feedback.services import AnswerRejected, record_answer
from civicdesk.jurisdictions.models import StaffMembership
from civicdesk.servicerequests import services as requests
from civicdesk.servicerequests.models import Support, TimelineEntry
from civicdesk.throttle.services import RateLimited

from .helpers import ask_after, closed_request, question, team_messages


@pytest.fixture
def asked(world):
    request = closed_request(world)
    ask_after()
    return request


def test_it_reopens_the_request_with_the_residents_words_and_tells_the_team(world, asked):
    requests.assign(asked, assignee=world.bob, user=world.bob)
    answer, created = record_answer(question(asked), fixed=False, satisfaction=2, comment="Still paint everywhere")
    asked.refresh_from_db()
    assert created and answer.effect == Answer.Effect.REOPENED
    assert asked.is_open and asked.status.code == "investigating"
    status_entry = TimelineEntry.objects.filter(request=asked, kind=TimelineEntry.Kind.STATUS).latest("id")
    assert status_entry.is_public and "not fixed" in status_entry.message
    words = TimelineEntry.objects.get(request=asked, kind=TimelineEntry.Kind.RESIDENT_REPLY)
    assert not words.is_public and "Still paint everywhere" in words.message and "2 of 5" in words.message
    [message] = team_messages(asked)
    assert message.address == "bob@elm.example.gov"
    assert AuditEntry.objects.filter(action="servicerequest.reopened", object_id=str(asked.pk)).count() == 1


def test_it_reopens_and_tells_the_team_exactly_once_when_the_answer_is_sent_twice(world, asked):
    invitation = question(asked)
    first, created = record_answer(invitation, fixed=False, comment="Not done")
    again, created_again = record_answer(invitation, fixed=False, comment="Not done")
    assert created and not created_again and again.pk == first.pk
    assert Answer.objects.filter(request=asked).count() == 1
    assert TimelineEntry.objects.filter(request=asked, kind=TimelineEntry.Kind.STATUS,
                                        status_to__code="investigating").count() == 1
    assert team_messages(asked).count() == 1
    assert AuditEntry.objects.filter(action="servicerequest.reopened").count() == 1


def test_it_lets_a_later_answer_change_rating_and_comment_but_never_fixed(world, asked):
    invitation = question(asked)
    record_answer(invitation, fixed=True, satisfaction=2, comment="Slow")
    answer, created = record_answer(invitation, fixed=False, satisfaction=4, comment="Actually fine",
                                    comment_public=True)
    asked.refresh_from_db()
    assert not created and answer.fixed and answer.satisfaction == 4 and answer.comment == "Actually fine"
    assert answer.comment_public and not asked.is_open and not team_messages(asked).exists()
    assert AuditEntry.objects.filter(action="feedback.answer_changed", object_id=str(answer.pk)).exists()


def test_it_escalates_a_second_not_fixed_to_the_departments_supervisor(world, asked):
    StaffMembership.objects.create(user=world.carol, jurisdiction=world.elm, department=world.public_works,
                                   role=StaffMembership.Role.SUPERVISOR)
    Support.objects.create(request=asked, user=world.mallory)
    other = closed_request(world)  # the supporter is asked through their account
    Support.objects.create(request=other, user=world.mallory)
    record_answer(question(asked), fixed=False, comment="Still there")
    requests.transition(asked, world.statuses["fixed"], user=world.bob)
    from civicdesk.feedback.models import Invitation

    supporter = Invitation.objects.create(request=asked, respondent=f"user:{world.mallory.pk}", role="supporter",
                                          channel="email", address="mallory@example.net", token="t" * 32)
    answer, _created = record_answer(supporter, fixed=False, comment="Still there, second time")
    asked.refresh_from_db()
    assert answer.effect == Answer.Effect.ESCALATED and asked.is_open
    [escalation] = team_messages(asked, "feedback.escalated")
    assert escalation.address == "carol@elm.example.gov"


def test_it_does_not_reopen_after_the_types_window(world):
    FeedbackPolicy.objects.create(service_type=world.graffiti, delay_days=1, reopen_window_days=5)
    request = closed_request(world)
    ask_after(2)
    with time_machine.travel(timezone.now() + dt.timedelta(days=6)):
        answer, _created = record_answer(question(request), fixed=False)
    request.refresh_from_db()
    assert answer.effect == Answer.Effect.LATE and not request.is_open and not team_messages(request).exists()


def test_it_notes_a_not_fixed_answer_on_a_request_already_open_again(world, asked):
    requests.transition(asked, world.statuses["in_progress"], user=world.bob)
    answer, _created = record_answer(question(asked), fixed=False)
    assert answer.effect == Answer.Effect.NOTED
    assert team_messages(asked).count() == 1


def test_it_refuses_a_first_answer_without_fixed_and_a_rating_outside_1_to_5(world, asked):
    with pytest.raises(AnswerRejected):
        record_answer(question(asked), fixed=None)
    with pytest.raises(AnswerRejected):
        record_answer(question(asked), fixed=True, satisfaction=9)
    assert not Answer.objects.exists()


def test_it_limits_answers_per_client(world, asked, settings):
    settings.FEEDBACK_ANSWERS_PER_CLIENT_PER_HOUR = 2
    invitation = question(asked)
    record_answer(invitation, fixed=True, client="203.0.113.9")
    record_answer(invitation, fixed=True, satisfaction=3, client="203.0.113.9")
    with pytest.raises(RateLimited):
        record_answer(invitation, fixed=True, satisfaction=5, client="203.0.113.9")
    assert Answer.objects.get().satisfaction == 3


def test_it_limits_answers_per_request(world, asked, settings):
    settings.FEEDBACK_ANSWERS_PER_REQUEST_PER_HOUR = 1
    record_answer(question(asked), fixed=True)
    with pytest.raises(RateLimited):
        record_answer(question(asked), fixed=True, satisfaction=1)


def test_it_keeps_one_answer_per_question_in_the_database(world, asked):
    answer, _created = record_answer(question(asked), fixed=True)
    with pytest.raises(IntegrityError):
        Answer.objects.create(invitation=answer.invitation, request=asked, fixed=False, channel="web")
