"""The staff queue of reports by message: email reports to triage and open conversations, per jurisdiction."""

from __future__ import annotations

from django.urls import reverse

from civicdesk.conversations.models import Conversation
from civicdesk.staff.tests.people import seat_people
from civicdesk.testing.auth import login_verified

from .helpers import queued_email, stuck_conversation


def test_it_lists_waiting_emails_and_open_conversations_stuck_first_in_few_queries(
        client, world, django_assert_max_num_queries):
    agent = seat_people(world).agent
    for number in range(6):
        queued_email(world, key=f"m{number}@example.org", subject=f"Subject zebra{number}")
        stuck_conversation(world, sender=f"+1555000000{number}").__class__.objects.filter(
            sender=f"+1555000000{number}").update(needs_agent=number == 3)
    Conversation.objects.create(channel="sms", sender="+15550009999", jurisdiction=world.elm,
                                status=Conversation.Status.FILED)
    login_verified(client, agent)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("conversations:queue"))
    assert "no-store" in response["Cache-Control"]  # senders' numbers and texts stay out of shared caches
    page = response.content.decode()
    assert page.count('data-testid="email-row"') == 6
    assert page.count('data-testid="conversation-row"') == 6
    stuck = Conversation.objects.get(needs_agent=True)
    first_row = page.index('data-testid="conversation-row"')
    assert page.index(reverse("conversations:conversation", args=[stuck.pk])) > first_row
    assert page.index(reverse("conversations:conversation", args=[stuck.pk])) < page.index(
        'data-testid="conversation-row"', first_row + 1)
    assert "Needs an agent" in page


def test_it_shows_nothing_of_another_jurisdiction(client, world):
    queued_email(world)
    stuck_conversation(world)
    login_verified(client, world.dave)  # County Roads: a staff seat in Maple County only
    page = client.get(reverse("conversations:queue")).content.decode()
    assert "No email reports are waiting." in page and "No conversations are going on." in page


def test_it_refuses_residents(client, world):
    client.force_login(world.alice)
    assert client.get(reverse("conversations:queue")).status_code == 403


def test_it_is_linked_from_the_staff_console(client, world):
    login_verified(client, world.bob)
    assert reverse("conversations:queue") in client.get(reverse("staff:queues")).content.decode()
