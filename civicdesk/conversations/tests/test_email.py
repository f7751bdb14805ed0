"""Reports by email through the real SMTP receiver (inbound's `receive_mail` server) to the city's report address."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from email.utils import make_msgid

import pytest

from civicdesk.servicerequests.tasks import acknowledge
from civicdesk.conversations import kinds
from civicdesk.conversations.models import EmailReport, ReportPhoto
from civicdesk.inbound.models import InboundMessage
from civicdesk.notifications.models import Delivery
from civicdesk.servicerequests.models import ServiceRequest

from .conftest import REPORT_ADDRESS, jpeg



@pytest.fixture
def sure_about(monkeypatch):
    """The category suggester's answer for the next emails: (service type, confidence)."""
    answer: dict = {}

    def suggestions(text, *, jurisdiction, language="", limit=3):
        return [kinds.Offer(answer["type"], answer["confidence"])] if answer else []

    monkeypatch.setattr(kinds, "suggestions", suggestions)

    def set_answer(service_type, confidence):
        answer.update(type=service_type, confidence=confidence)

    return set_answer


def report_mail(*, subject="Graffiti", text="Someone sprayed graffiti on the fence at 14 Oak Street.",
                sender="resident@example.org", message_id: str | None = None, headers: dict | None = None,
                attachments=()) -> EmailMessage:
    message = EmailMessage()
    message["From"] = f"Rosa Resident <{sender}>"
    message["To"] = REPORT_ADDRESS
    message["Subject"] = subject
    message["Message-ID"] = message_id or make_msgid(domain="mail.example.org")
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(text)
    for filename, maintype, subtype, content in attachments:
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=filename)
    return message


def send(port: int, message: EmailMessage, *, to: str = REPORT_ADDRESS):
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
        return client.send_message(message, from_addr="resident@example.org", to_addrs=[to])


def test_it_files_an_email_with_a_confident_kind_and_one_address_and_acknowledges_it(tworld, receiver, sure_about):
    sure_about(tworld.graffiti, 0.93)
    send(receiver, report_mail(attachments=[("fence.jpg", "image", "jpeg", jpeg())]))
    request = ServiceRequest.objects.get()
    assert (request.channel, request.service_type, request.address_id) == ("email", tworld.graffiti, "A2")
    assert request.contact_email == "resident@example.org" and request.contact_name == "Rosa Resident"
    assert request.attachments.count() == 1 and not ReportPhoto.objects.exists()
    report = EmailReport.objects.get()
    assert (report.status, report.request) == ("filed", request)
    acknowledge.call(request_pk=request.pk)  # what the worker does with the task the report queued
    acknowledgement = Delivery.objects.get(event="request.received", channel="email")
    assert acknowledgement.address == "resident@example.org" and request.public_id in acknowledgement.body_text
    assert InboundMessage.objects.get().reason == "new_report"


def test_it_queues_an_email_whose_kind_is_uncertain(tworld, receiver, sure_about):
    sure_about(tworld.graffiti, 0.41)
    send(receiver, report_mail(attachments=[("fence.jpg", "image", "jpeg", jpeg())]))
    assert not ServiceRequest.objects.exists()
    report = EmailReport.objects.get()
    assert (report.status, report.suggested_type, report.address_id) == ("queued", tworld.graffiti, "A2")
    assert report.why_queued == "The suggested kind is not certain enough (41%)."
    assert report.photos.count() == 1


def test_it_queues_an_email_without_a_single_address(tworld, receiver, sure_about):
    sure_about(tworld.graffiti, 0.95)
    send(receiver, report_mail(text="Graffiti near the park, not sure of the address."))
    report = EmailReport.objects.get()
    assert (report.status, report.why_queued) == ("queued", "No single address was found in the text.")


def test_it_queues_an_email_when_no_model_suggests_a_kind(tworld, receiver):
    send(receiver, report_mail())
    assert EmailReport.objects.get().why_queued == "No kind of problem could be suggested."


@pytest.mark.parametrize("headers", [
    {"Auto-Submitted": "auto-replied"}, {"X-Autoreply": "yes"}, {"Precedence": "bulk"},
    {"List-Id": "<neighbours.lists.example.org>"}, {"Return-Path": "<>"},
])
def test_it_ignores_automatic_replies_and_lists(tworld, receiver, headers):
    send(receiver, report_mail(headers=headers))
    assert not EmailReport.objects.exists()
    assert InboundMessage.objects.get().reason == "auto_reply"


def test_it_ignores_an_out_of_office_subject(tworld, receiver):
    send(receiver, report_mail(subject="Out of Office: back on Monday"))
    assert not EmailReport.objects.exists()


def test_it_takes_one_report_when_the_same_message_arrives_twice(tworld, receiver):
    message = report_mail()
    send(receiver, message)
    send(receiver, message)
    assert EmailReport.objects.count() == 1 and InboundMessage.objects.count() == 1
    resent = report_mail()  # the same words sent again under a new Message-ID
    send(receiver, resent)
    assert EmailReport.objects.count() == 1
    assert InboundMessage.objects.filter(reason="duplicate", outcome="ignored").count() == 1


def test_it_refuses_other_addresses_at_rcpt_to(tworld, receiver):
    with pytest.raises(smtplib.SMTPRecipientsRefused):
        send(receiver, report_mail(), to="someone@elm.example.gov")
