"""The demo content shows in the staff queue."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from civicdesk.conversations import demo
from civicdesk.staff.tests.people import seat_people
from civicdesk.testing.auth import login_verified


def test_it_fills_the_queue_with_emails_and_conversations(client, world):
    summary = demo.seed(jurisdiction=world.elm, types={"streetlight-out": world.graffiti}, now=timezone.now())
    assert summary.startswith("2 email reports")
    login_verified(client, seat_people(world).agent)
    page = client.get(reverse("conversations:queue")).content.decode()
    assert page.count('data-testid="email-row"') == 2 and page.count('data-testid="conversation-row"') == 2
    assert "Luz de la calle apagada" in page and "Needs an agent" in page
