"""The kind of problem suggested from the resident's own words by the trained category suggester (triage)."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from email.utils import make_msgid

import pytest

from civicdesk.conversations.models import EmailReport
from civicdesk.servicerequests.models import ServiceRequest
from civicdesk.triage.suggest import suggest_kinds

from .conftest import REPORT_ADDRESS, text, train_suggester


@pytest.fixture
def trained(world):
    return train_suggester(world)


def test_it_offers_the_suggested_kinds_first_and_files_the_chosen_one(world, client, trained):
    question = text(client, "The street light in front of my house is out")
    assert question.startswith("Is this about 1) Streetlight out 2) ")
    assert question.endswith("3) Something else? Reply 1, 2, 3 or the name.")
    assert text(client, "1").startswith("Where is it?")
    text(client, "14 Oak Street")
    done = text(client, "no")
    request = ServiceRequest.objects.get(channel="sms")
    assert request.service_type == trained["streetlight-out"] and request.public_id in done


def test_it_suggests_from_spanish_words(world, client, trained):
    question = text(client, "Hay un bache muy grande en la calle")
    assert question.startswith("¿Se trata de 1) Bache 2) ")


def test_it_lists_more_kinds_when_the_resident_says_something_else(world, client, trained):
    text(client, "The street light in front of my house is out")
    more = text(client, "3")
    assert more.startswith("Which kind of problem? 1) ")
    assert text(client, "graffiti").startswith("Where is it?")



def _send(port, words: str) -> None:
    message = EmailMessage()
    message["From"] = "Rosa Resident <rosa@example.org>"
    message["To"] = REPORT_ADDRESS
    message["Subject"] = "Street light"
    message["Message-ID"] = make_msgid(domain="mail.example.org")
    message.set_content(words)
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
        client.send_message(message, from_addr="rosa@example.org", to_addrs=[REPORT_ADDRESS])


def test_it_files_an_email_the_suggester_is_sure_about_and_queues_one_it_is_not(tworld, receiver, settings):
    made = train_suggester(tworld)
    words = "The street light in front of 14 Oak Street is out, it has been dark all week."
    [best, *_] = suggest_kinds(f"Street light\n{words}", jurisdiction=tworld.elm, language="en")
    assert best.service_type == made["streetlight-out"] and best.confidence > 0.5
    settings.CONVERSATIONS_EMAIL_AUTO_FILE_CONFIDENCE = 0.5
    _send(receiver, words)
    request = ServiceRequest.objects.get(channel="email")
    assert (request.service_type, request.address_id) == (made["streetlight-out"], "A2")
    settings.CONVERSATIONS_EMAIL_AUTO_FILE_CONFIDENCE = 0.999
    _send(receiver, "The lamp post at 12 Oak Street flickers all night long.")
    queued = EmailReport.objects.get(status="queued")
    assert queued.suggested_type is not None and queued.confidence < 0.999
    assert queued.why_queued.startswith("The suggested kind is not certain enough")
