"""SMS answers through the Twilio webhook (inbound.receive_sms → the handler feedback registers)."""

from __future__ import annotations

import datetime as dt
import itertools
from xml.etree import ElementTree

import pytest
import time_machine
from django.utils import timezone

from civicdesk.feedback.models import Answer
from civicdesk.feedback.services import parse_sms_answer
from civicdesk.inbound.models import InboundMessage
from civicdesk.notifications.transports.sms import twilio_signature
from civicdesk.servicerequests.models import TimelineEntry
from civicdesk.servicerequests.services import submit_request
from civicdesk.testing.world import IN_EAST_ELM

from .helpers import ALICE_PHONE, ask_after, closed_request, team_messages

SITE = "https://311.elm.example.gov"
URL = "/inbound/sms/twilio/"
_SIDS = itertools.count(1)


@pytest.fixture(autouse=True)
def twilio(settings):
    settings.TWILIO_AUTH_TOKEN = "twilio-token-for-tests"
    settings.SITE_URL = SITE


def text(client, body: str, *, sid: str = "", sender: str = ALICE_PHONE) -> str:
    params = {"MessageSid": sid or f"SM{next(_SIDS):032x}", "AccountSid": "AC" + "1" * 32, "From": sender,
              "To": "+15550100311", "Body": body, "NumMedia": "0"}
    response = client.post(URL, data=params, headers={"X-Twilio-Signature": twilio_signature(
        SITE + URL, params, "twilio-token-for-tests")})
    assert response.status_code == 200
    found = ElementTree.fromstring(response.content).findall("Message")
    return found[0].text if found else ""


@pytest.fixture
def asked(world):
    request = closed_request(world, contact_email="", contact_phone=ALICE_PHONE, channel="sms")
    ask_after()
    return request


def test_it_reads_a_rating_as_fixed_with_the_words_after_it(world, client, asked):
    reply = text(client, "4 thanks, all clean")
    answer = Answer.objects.get(request=asked)
    assert answer.fixed and answer.satisfaction == 4 and answer.comment == "thanks, all clean"
    assert answer.channel == "sms" and asked.public_id in reply
    assert InboundMessage.objects.get().reason == InboundMessage.Reason.HANDLED


def test_it_reopens_on_0_once_even_when_the_reply_arrives_twice(world, client, asked):
    first = text(client, "0 still paint on it")
    again = text(client, "0 still paint on it")
    same_sid = text(client, "0 still paint on it", sid="SM" + "f" * 32)
    text(client, "0 still paint on it", sid="SM" + "f" * 32)
    asked.refresh_from_db()
    assert asked.is_open and "reopened" in first
    assert "already had your answer" in again and "already had your answer" in same_sid
    assert Answer.objects.filter(request=asked).count() == 1
    assert TimelineEntry.objects.filter(request=asked, kind=TimelineEntry.Kind.STATUS,
                                        status_to__code="investigating").count() == 1
    assert team_messages(asked).count() == 1


def test_it_understands_no_in_english_and_spanish(world, client, asked):
    spanish = closed_request(world, contact_email="", contact_phone="+12175550199", channel="sms", language="es")
    ask_after()
    text(client, "NO")
    reply = text(client, "no arreglado, sigue igual", sender="+12175550199")
    assert not Answer.objects.get(request=asked).fixed
    answer = Answer.objects.get(request=spanish)
    assert not answer.fixed and answer.comment == "sigue igual"
    assert "Reabrimos" in reply


def test_it_leaves_other_texts_to_the_open_request_thread(world, client, asked):
    open_one = submit_request(service_type=world.graffiti, lat=IN_EAST_ELM[0], long=IN_EAST_ELM[1],
                              description="More tags", contact_phone=ALICE_PHONE, channel="sms")
    reply = text(client, "The tags came back on the wall")
    assert not Answer.objects.exists()
    assert TimelineEntry.objects.filter(request=open_one, kind=TimelineEntry.Kind.RESIDENT_REPLY,
                                        message="The tags came back on the wall").exists()
    assert open_one.public_id in reply


def test_it_leaves_a_number_alone_when_nobody_asked_that_phone(world, client):
    open_one = submit_request(service_type=world.graffiti, lat=IN_EAST_ELM[0], long=IN_EAST_ELM[1],
                              description="More tags", contact_phone=ALICE_PHONE, channel="sms")
    text(client, "5")
    assert not Answer.objects.exists()
    assert TimelineEntry.objects.filter(request=open_one, kind=TimelineEntry.Kind.RESIDENT_REPLY,
                                        message="5").exists()


def test_it_stops_counting_replies_two_weeks_after_asking(world, client, asked):
    with time_machine.travel(timezone.now() + dt.timedelta(days=19)):
        text(client, "0")
    assert not Answer.objects.exists()


def test_it_keeps_stop_working(world, client, asked):
    assert "no more text messages" in text(client, "STOP")
    assert not Answer.objects.exists()


def test_it_limits_answers_per_number(world, client, asked, settings):
    settings.FEEDBACK_SMS_ANSWERS_PER_NUMBER_PER_HOUR = 1
    text(client, "3")
    assert "many messages" in text(client, "5")
    assert Answer.objects.get().satisfaction == 3


@pytest.mark.parametrize("body,parsed", [
    ("5", (True, 5, "")), ("1.", (True, 1, "")), ("4/5 good", (True, 4, "good")), ("0", (False, None, "")),
    ("No fixed still broken", (False, None, "still broken")), ("not", (False, None, "")),
    ("6", None), ("hello", None), ("", None), ("10", None), ("NOPE", None),
])
def test_it_parses_replies(body, parsed):
    assert parse_sms_answer(body) == parsed
