"""Reminders the day before, through notify(): once per person and meeting however often the job runs."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from civicdesk.core import schedule
from civicdesk.meetings import services
from civicdesk.meetings.models import Rsvp
from civicdesk.meetings.tasks import send_reminders_task
from civicdesk.notifications.models import Delivery

from .helpers import make_meeting

pytestmark = pytest.mark.django_db


def rsvp(meeting, email, *, confirm=True):
    found = services.request_email_rsvp(meeting, name=email, email=email, language="en", client="7.7.7.7")
    return services.confirm_rsvp(found) if confirm else found


def test_it_reminds_people_with_a_place_once_the_day_before(world):
    tomorrow = make_meeting(world, capacity=1, starts_at=timezone.now() + dt.timedelta(hours=20))
    rsvp(tomorrow, "seat@example.org")
    waiting = rsvp(tomorrow, "wait@example.org")
    rsvp(tomorrow, "pending@example.org", confirm=False)
    next_week = make_meeting(world, starts_at=timezone.now() + dt.timedelta(days=7))
    rsvp(next_week, "later@example.org")
    assert waiting.status == Rsvp.Status.WAITING
    assert services.send_reminders() == 1
    assert services.send_reminders() == 0  # the job runs every 15 minutes: nobody hears twice
    send_reminders_task.call()
    reminders = Delivery.objects.filter(key__contains=":reminder:")
    assert [d.address for d in reminders] == ["seat@example.org"]
    assert "Reminder: Budget town hall" in reminders[0].subject


def test_it_reminds_again_when_staff_move_the_meeting_and_not_when_cancelled(world):
    meeting = make_meeting(world, starts_at=timezone.now() + dt.timedelta(hours=10))
    rsvp(meeting, "seat@example.org")
    services.send_reminders()
    meeting.starts_at += dt.timedelta(hours=3)
    meeting.ends_at += dt.timedelta(hours=3)
    services.save_meeting(meeting, user=world.bob, changed_fields=["starts_at", "ends_at"])
    assert services.send_reminders() == 1
    services.cancel_meeting(meeting, user=world.bob)
    meeting.refresh_from_db()
    meeting.starts_at += dt.timedelta(hours=1)
    meeting.ends_at += dt.timedelta(hours=1)
    meeting.save()
    assert services.send_reminders() == 0


def test_it_is_registered_with_the_scheduler():
    assert "meetings.reminders" in {job.name for job in schedule.jobs()}
