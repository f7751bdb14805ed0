"""The deadline sweep (civicdesk/applications) warns staff once before a records request's answer deadline,
counting business days, again after an extension moves it, and never while the clock is paused."""

from __future__ import annotations

import datetime as dt

from civicdesk.applications import services as applications
from civicdesk.notifications.models import Delivery
from civicdesk.records import services

from .helpers import local, submitted


def test_it_warns_once_before_the_answer_deadline_and_again_after_an_extension(records_type, world, seats):
    application = submitted(records_type, world.alice, now=local(2026, 11, 2))  # Monday: answer due Mon 30 Nov
    services.acknowledge(application, user=world.bob)
    application.refresh_from_db()
    assert application.decision_due_on == dt.date(2026, 11, 30)
    assert applications.sweep(now=local(2026, 11, 25, 9)) == 0  # Thu, Fri, Mon: 3 business days left
    assert applications.sweep(now=local(2026, 11, 26, 9)) == 1  # Fri and Mon left: warned
    warned = Delivery.objects.filter(key__startswith="application-deadline:", address=world.bob.email).count()
    assert warned == 1
    assert applications.sweep(now=local(2026, 11, 27, 9)) == 0  # never twice
    assert applications.sweep(now=local(2026, 12, 1, 9)) == 0  # not even once passed
    services.extend(application, user=seats.supervisor, days=5, reason="Volume")  # a new deadline: Mon 7 Dec
    assert applications.sweep(now=local(2026, 12, 2, 9)) == 0
    assert applications.sweep(now=local(2026, 12, 3, 9)) == 1
    assert application.events.filter(kind="deadline_warning").count() == 2


def test_it_never_warns_while_waiting_for_the_requester(records_type, world):
    application = submitted(records_type, world.alice, now=local(2026, 11, 2))
    services.acknowledge(application, user=world.bob)
    services.ask_clarification(application, user=world.bob, message="Which street?")
    assert applications.sweep(now=local(2026, 11, 27, 9)) == 0
