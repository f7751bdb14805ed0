"""Staff send a document to the applicant: checked by its content, audited, in the timeline, announced through
notify(); downloaded only by the applicant and by staff who reach the application."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from civicdesk.applications.demo import DEMO_PDF, submitted_fence
from civicdesk.applications.models import Event, SentDocument
from civicdesk.audit.models import AuditEntry
from civicdesk.notifications.models import Delivery
from civicdesk.testing.auth import login_verified

CANARY = "<b>stampedpelican</b>"


def letter(name="approval-letter.pdf", data=DEMO_PDF):
    return SimpleUploadedFile(name, data, content_type="application/pdf")


@pytest.fixture
def sent(client, fence, world, seats):
    application = submitted_fence(fence, world.alice)
    login_verified(client, seats.admin)
    client.post(reverse("applications_staff:send_document", args=[application.pk]),
                {"file": letter(), "message": CANARY})
    client.logout()
    return application, SentDocument.objects.get(application=application)


def test_it_sends_a_document_audited_told_and_in_the_timeline(client, sent, seats, world):
    application, document = sent
    assert document.sent_by == seats.admin and document.content_type == "application/pdf"
    assert AuditEntry.objects.filter(action="application.document_sent", actor=seats.admin).count() == 1
    event = application.events.get(kind=Event.Kind.DOCUMENT_SENT)
    assert not event.internal and CANARY in event.message
    assert Delivery.objects.filter(key=f"application-event:{event.pk}", event="application.document_sent").exists()
    client.force_login(world.alice)
    page = client.get(application.get_absolute_url()).content.decode()
    assert "approval-letter.pdf" in page and CANARY not in page and "&lt;b&gt;stampedpelican&lt;/b&gt;" in page
    assert "Document from the city" in page


def test_it_refuses_a_file_that_only_pretends_to_be_a_pdf(client, fence, world, seats):
    application = submitted_fence(fence, world.alice)
    login_verified(client, seats.admin)
    page = client.post(reverse("applications_staff:send_document", args=[application.pk]),
                       {"file": letter("fake.pdf", b"<html><script>alert(1)</script></html>"), "message": "Here"},
                       follow=True)
    assert page.status_code == 200 and not SentDocument.objects.exists()
    assert not AuditEntry.objects.filter(action="application.document_sent").exists()
    empty = client.post(reverse("applications_staff:send_document", args=[application.pk]),
                        {"file": letter(), "message": "   "}, follow=True)
    assert "Write a message to go with the document." in empty.content.decode() or \
        "write a message to go with it" in empty.content.decode()
    assert not SentDocument.objects.exists()


def test_it_serves_the_document_only_to_the_applicant_and_staff_who_reach_it(client, sent, world, seats):
    application, document = sent
    applicant_url = reverse("applications:sent_document", args=[application.pk, document.pk])
    staff_url = reverse("applications_staff:sent_document", args=[application.pk, document.pk])
    assert client.get(applicant_url).status_code == 302  # signed out: to the sign-in page
    client.force_login(world.alice)
    mine = client.get(applicant_url)
    assert mine.status_code == 200 and b"".join(mine.streaming_content) == DEMO_PDF
    assert mine["X-Content-Type-Options"] == "nosniff" and "attachment" in mine["Content-Disposition"]
    assert client.get(staff_url).status_code in (403, 404)
    client.force_login(world.mallory)
    assert client.get(applicant_url).status_code == 404
    login_verified(client, world.bob)  # Public Works: not its step yet
    assert client.get(staff_url).status_code == 404
    assert client.get(applicant_url).status_code == 404
    login_verified(client, seats.admin)
    assert client.get(staff_url).status_code == 200


def test_it_lets_only_reviewers_send(client, fence, world, seats):
    application = submitted_fence(fence, world.alice)
    url = reverse("applications_staff:send_document", args=[application.pk])
    client.force_login(world.alice)
    assert client.post(url, {"file": letter(), "message": "Self"}).status_code in (403, 404)
    login_verified(client, world.bob)
    assert client.post(url, {"file": letter(), "message": "Other department"}).status_code == 404
    assert not SentDocument.objects.exists()
