"""The triage screen of an email report: file it (kind, address, text) or discard it with a reason; audited."""

from __future__ import annotations

from django.urls import reverse

from civicdesk.audit.models import AuditEntry
from civicdesk.conversations.models import EmailReport
from civicdesk.servicerequests.models import ServiceRequest
from civicdesk.staff.tests.people import seat_people
from civicdesk.testing.auth import login_verified

from .helpers import queued_email


def test_it_shows_the_email_with_the_suggestion_and_address_on_the_form(client, world):
    report = queued_email(world, text="<script>alert('owlcanary')</script> graffiti at 14 Oak Street")
    login_verified(client, seat_people(world).agent)
    page = client.get(reverse("conversations:email_report", args=[report.pk])).content.decode()
    assert "&lt;script&gt;alert(&#x27;owlcanary&#x27;)&lt;/script&gt;" in page
    assert "<script>alert('owlcanary')" not in page
    assert f'<option value="{world.graffiti.pk}" selected>' in page
    assert 'value="14 Oak Street"' in page


def test_it_files_the_email_report_for_the_sender(client, world):
    agent = seat_people(world).agent
    report = queued_email(world)
    login_verified(client, agent)
    response = client.post(reverse("conversations:email_report", args=[report.pk]), {
        "service_type": world.pothole.pk, "address": "14 Oak Street", "description": "Pothole, not graffiti"})
    assert response.status_code == 400  # the kind changed: the pothole's question comes back to be answered
    assert "How deep is it?" in response.content.decode()
    response = client.post(reverse("conversations:email_report", args=[report.pk]), {
        "service_type": world.graffiti.pk, "address": "14 Oak Street", "description": "Graffiti on the wall"})
    assert response.status_code == 302
    request = ServiceRequest.objects.get()
    assert (request.channel, request.contact_email, request.address_id) == ("email", "rosa@example.org", "A2")
    report.refresh_from_db()
    assert (report.status, report.request, report.handled_by) == ("filed", request, agent)
    assert AuditEntry.objects.filter(action="emailreport.filed", actor=agent).exists()


def test_it_discards_with_a_reason(client, world):
    agent = seat_people(world).agent
    report = queued_email(world)
    login_verified(client, agent)
    assert client.post(reverse("conversations:email_report", args=[report.pk]),
                       {"discard": "1", "reason": ""}).status_code == 400
    client.post(reverse("conversations:email_report", args=[report.pk]), {"discard": "1", "reason": "Spam"})
    report.refresh_from_db()
    assert (report.status, report.discard_reason) == (EmailReport.Status.DISCARDED, "Spam")
    assert AuditEntry.objects.filter(action="emailreport.discarded", actor=agent).exists()


def test_it_hides_the_report_from_other_jurisdictions(client, world):
    report = queued_email(world)
    login_verified(client, world.dave)
    assert client.get(reverse("conversations:email_report", args=[report.pk])).status_code == 404


def test_it_files_a_kind_with_a_required_question_once_it_is_answered(client, world):
    report = queued_email(world)
    login_verified(client, seat_people(world).agent)
    response = client.post(reverse("conversations:email_report", args=[report.pk]), {
        "service_type": world.pothole.pk, "asked_for": world.pothole.pk, "attribute_depth": "shallow",
        "address": "14 Oak Street", "description": "A pothole"})
    assert response.status_code == 302
    assert ServiceRequest.objects.get().attributes == {"depth": "shallow"}
