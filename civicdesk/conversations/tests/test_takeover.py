"""An agent takes over a stuck conversation: answers by SMS, files the report in one screen; all audited."""

from __future__ import annotations

from django.urls import reverse

from civicdesk.audit.models import AuditEntry
from civicdesk.conversations.models import Conversation
from civicdesk.notifications.models import Delivery
from civicdesk.servicerequests.models import ServiceRequest
from civicdesk.staff.tests.people import seat_people
from civicdesk.testing.auth import login_verified

from .conftest import text
from .helpers import stuck_conversation


def test_it_stops_the_automatic_answers_once_an_agent_takes_over(client, world):
    agent = seat_people(world).agent
    conversation = stuck_conversation(world, sender="+15551234567")
    login_verified(client, agent)
    client.post(reverse("conversations:take", args=[conversation.pk]))
    conversation.refresh_from_db()
    assert (conversation.status, conversation.agent, conversation.needs_agent) == ("taken_over", agent, False)
    client.logout()
    assert text(client, "It is by the school") == ""
    assert conversation.messages.filter(direction="in").last().text == "It is by the school"
    assert AuditEntry.objects.filter(action="conversation.taken_over", actor=agent).exists()


def test_it_sends_the_agents_answer_by_sms_and_keeps_it_in_the_transcript(client, world):
    agent = seat_people(world).agent
    conversation = stuck_conversation(world)
    login_verified(client, agent)
    client.post(reverse("conversations:take", args=[conversation.pk]))
    client.post(reverse("conversations:reply", args=[conversation.pk]), {"text": "Which school? <b>zebrafish</b>"})
    delivery = Delivery.objects.get(event="conversation.agent_reply")
    assert (delivery.channel, delivery.address) == ("sms", "+15557654321")
    assert delivery.body_text.strip() == "Which school? <b>zebrafish</b>"
    page = client.get(reverse("conversations:conversation", args=[conversation.pk])).content.decode()
    assert "Which school? &lt;b&gt;zebrafish&lt;/b&gt;" in page
    assert AuditEntry.objects.filter(action="conversation.agent_replied", actor=agent).exists()


def test_it_files_the_report_from_the_conversation_screen(client, world):
    agent = seat_people(world).agent
    conversation = stuck_conversation(world)
    login_verified(client, agent)
    client.post(reverse("conversations:take", args=[conversation.pk]))
    page = client.get(reverse("conversations:conversation", args=[conversation.pk])).content.decode()
    assert 'data-testid="file-form"' in page and "Graffiti on the bus shelter" in page
    response = client.post(reverse("conversations:file", args=[conversation.pk]), {
        "service_type": world.graffiti.pk, "address": "14 Oak Street", "description": "Graffiti on the shelter"})
    assert response.status_code == 302
    request = ServiceRequest.objects.get()
    assert (request.channel, request.address_id, request.contact_phone) == ("sms", "A2", "+15557654321")
    conversation.refresh_from_db()
    assert (conversation.status, conversation.request) == ("filed", request)
    assert AuditEntry.objects.filter(action="conversation.filed", actor=agent).exists()


def test_it_keeps_the_form_with_a_did_you_mean_when_the_address_is_unclear(client, world):
    agent = seat_people(world).agent
    conversation = stuck_conversation(world)
    login_verified(client, agent)
    client.post(reverse("conversations:take", args=[conversation.pk]))
    response = client.post(reverse("conversations:file", args=[conversation.pk]), {
        "service_type": world.graffiti.pk, "address": "13 Oak Street", "description": "Graffiti"})
    assert response.status_code == 400
    assert "12 Oak Street" in response.content.decode()
    assert not ServiceRequest.objects.exists()
    assert Conversation.objects.get().status == "taken_over"


def test_it_refuses_an_agent_of_another_jurisdiction(client, world):
    conversation = stuck_conversation(world)
    login_verified(client, world.dave)
    assert client.post(reverse("conversations:take", args=[conversation.pk])).status_code == 404
    assert Conversation.objects.get().status == "open"


def test_it_asks_the_kinds_questions_before_filing_from_the_conversation_screen(client, world):
    conversation = stuck_conversation(world)
    login_verified(client, seat_people(world).agent)
    client.post(reverse("conversations:take", args=[conversation.pk]))
    url = reverse("conversations:file", args=[conversation.pk])
    report = {"service_type": world.pothole.pk, "address": "14 Oak Street", "description": "Pothole by the shelter"}
    response = client.post(url, report)  # the kind was changed on the screen: its questions were not shown yet
    page = response.content.decode()
    assert response.status_code == 400 and not ServiceRequest.objects.exists()
    assert "This kind of problem has its own questions: answer them below." in page
    assert "How deep is it?" in page and f'name="asked_for" value="{world.pothole.pk}"' in page
    response = client.post(url, {**report, "asked_for": world.pothole.pk})
    assert response.status_code == 400 and "Please answer" in response.content.decode()
    response = client.post(url, {**report, "asked_for": world.pothole.pk, "attribute_depth": "deep"})
    assert response.status_code == 302
    assert ServiceRequest.objects.get().attributes == {"depth": "deep"}


def test_it_fills_in_the_answers_the_resident_already_texted(client, world):
    conversation = stuck_conversation(world, text="Pothole by the bus shelter")
    conversation.state = {**conversation.state, "type": world.pothole.pk, "answers": {"depth": "deep"}}
    conversation.save()
    login_verified(client, seat_people(world).agent)
    client.post(reverse("conversations:take", args=[conversation.pk]))
    page = client.get(reverse("conversations:conversation", args=[conversation.pk])).content.decode()
    assert '<option value="deep" selected>' in page and f'name="asked_for" value="{world.pothole.pk}"' in page
