"""FeedbackPolicy (defaults, reopen window) and Answer.public_comment (consent, masking)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from civicdesk.feedback.models import Answer, FeedbackPolicy
from civicdesk.feedback.services import record_answer

from .helpers import ask_after, closed_request, question


def test_it_uses_the_defaults_for_a_type_without_a_policy(world):
    policy = FeedbackPolicy.for_type(world.pothole)
    assert policy.pk is None and policy.ask and policy.delay_days == 3 and policy.reopen_window_days == 30


def test_it_reopens_only_inside_the_window(world):
    closed = timezone.now() - dt.timedelta(days=10)
    assert FeedbackPolicy(reopen_window_days=30).reopens(closed)
    assert not FeedbackPolicy(reopen_window_days=7).reopens(closed)
    assert not FeedbackPolicy(reopen_window_days=0).reopens(timezone.now())
    assert not FeedbackPolicy().reopens(None)


def test_it_shows_a_comment_in_public_only_with_consent_and_without_contact_details(world):
    request = closed_request(world)
    ask_after()
    answer, _created = record_answer(question(request), fixed=True,
                                     comment="Call me on 217-555-0142 or write to me@example.org", comment_public=False)
    assert answer.public_comment() == ""
    Answer.objects.filter(pk=answer.pk).update(comment_public=True)
    answer.refresh_from_db()
    shown = answer.public_comment()
    assert "217-555-0142" not in shown and "me@example.org" not in shown and "Call me on" in shown
