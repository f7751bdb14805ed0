"""Closed requests and questions for the "was it fixed?" tests."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from civicdesk.feedback.models import Invitation
from civicdesk.feedback.services import ask_due
from civicdesk.notifications.models import Delivery
from civicdesk.servicerequests import services as requests
from civicdesk.testing.world import IN_EAST_ELM

ALICE_PHONE = "+12175550142"


def closed_request(world, *, status: str = "fixed", service_type=None, **contact):
    """A graffiti request in East Elm (Public Works) that Bob closed just now; Alice's email unless told."""
    contact.setdefault("contact_email", "alice@example.org")
    request = requests.submit_request(service_type=service_type or world.graffiti, lat=IN_EAST_ELM[0],
                                      long=IN_EAST_ELM[1], description="Paint on the bus shelter", **contact)
    requests.transition(request, world.statuses[status], user=world.bob)
    request.refresh_from_db()
    return request


def ask_after(days: float = 4) -> int:
    """Run the asking job as if `days` had passed since now."""
    return ask_due(now=timezone.now() + dt.timedelta(days=days))


def question(request, respondent: str = "email:alice@example.org") -> Invitation:
    return Invitation.objects.get(request=request, respondent=respondent)


def team_messages(request, event: str = "feedback.not_fixed"):
    return Delivery.objects.filter(request=request, event=event)
