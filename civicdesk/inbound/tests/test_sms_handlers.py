"""inbound.handlers: apps above inbound take the texts that are theirs; every other text goes on as before."""

from __future__ import annotations

import pytest

from civicdesk.inbound import handlers
from civicdesk.inbound.models import InboundMessage
from civicdesk.inbound.services import receive_sms
from civicdesk.servicerequests.models import TimelineEntry

from .conftest import ALICE_PHONE, report


@pytest.fixture
def quiz():
    """A handler that takes texts starting with QUIZ and remembers what it saw."""
    seen: list[handlers.SmsText] = []

    def take(message: handlers.SmsText):
        seen.append(message)
        if message.text.upper().startswith("QUIZ"):
            return handlers.SmsHandled("Quiz answer recorded")
        return None

    handlers.register_sms_handler("quiz-for-tests", take)
    yield seen
    handlers.unregister_sms_handler("quiz-for-tests")


def test_it_lets_a_registered_handler_answer_its_own_texts(world, quiz):
    request = report(world)
    received = receive_sms(sid="SM" + "1" * 32, sender=ALICE_PHONE, body="QUIZ 42")
    assert received.message.answer == "Quiz answer recorded"
    assert received.message.reason == InboundMessage.Reason.HANDLED
    assert quiz[0].phone == ALICE_PHONE and quiz[0].text == "QUIZ 42" and quiz[0].language == "en"
    assert not TimelineEntry.objects.filter(request=request, kind=TimelineEntry.Kind.RESIDENT_REPLY).exists()


def test_it_threads_every_other_text_as_before(world, quiz):
    request = report(world)
    received = receive_sms(sid="SM" + "2" * 32, sender=ALICE_PHONE, body="More paint on the wall")
    assert request.public_id in received.message.answer
    assert TimelineEntry.objects.filter(request=request, kind=TimelineEntry.Kind.RESIDENT_REPLY,
                                        message="More paint on the wall").exists()


def test_it_answers_keywords_before_any_handler(world, quiz):
    received = receive_sms(sid="SM" + "3" * 32, sender=ALICE_PHONE, body="STOP")
    assert received.message.reason == InboundMessage.Reason.COMMAND and not quiz


def test_it_asks_a_handler_once_for_a_message_sent_twice(world, quiz):
    receive_sms(sid="SM" + "4" * 32, sender=ALICE_PHONE, body="QUIZ 1")
    again = receive_sms(sid="SM" + "4" * 32, sender=ALICE_PHONE, body="QUIZ 1")
    assert again.duplicate and len(quiz) == 1
