"""Publishing and ending notices from the console."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from civicdesk.staff.tests.people import seat_people
from civicdesk.testing.auth import login_verified

from .helpers import make_notice


@pytest.fixture
def supervisor(world, client):
    people = seat_people(world)
    world.extra["publisher"] = people.supervisor
    login_verified(client, people.supervisor)
    return people.supervisor


def test_it_publishes_a_draft_once_and_queues_telling_subscribers(client, world, supervisor):
    notice = make_notice(world, publish=False)
    response = client.post(reverse("notices:staff_publish", args=[notice.pk]), follow=True)
    notice.refresh_from_db()
    assert notice.published_at is not None and "Notice published" in response.content.decode()
    assert DBTaskResult.objects.filter(task_path__endswith="notify_subscribers").count() == 1
    response = client.post(reverse("notices:staff_publish", args=[notice.pk]), follow=True)
    assert "already published" in response.content.decode()
    assert DBTaskResult.objects.filter(task_path__endswith="notify_subscribers").count() == 1
    entry = notice.audit_entries().get(action="notice.published")
    assert entry.actor == supervisor


def test_it_refuses_to_publish_a_notice_whose_end_has_passed(client, world, supervisor):
    notice = make_notice(world, publish=False, starts_at=timezone.now() - dt.timedelta(days=3),
                         ends_at=timezone.now() - dt.timedelta(days=1))
    response = client.post(reverse("notices:staff_publish", args=[notice.pk]), follow=True)
    notice.refresh_from_db()
    assert notice.published_at is None and "end has already passed" in response.content.decode()


def test_it_ends_an_active_notice_now_and_audits_it(client, world, supervisor):
    notice = make_notice(world)
    client.post(reverse("notices:staff_end", args=[notice.pk]))
    notice.refresh_from_db()
    assert notice.state() == "ended" and not notice.is_active()
    assert notice.audit_entries().filter(action="notice.ended", actor=supervisor).exists()
    response = client.post(reverse("notices:staff_end", args=[notice.pk]), follow=True)
    assert "already ended" in response.content.decode()


def test_it_calls_off_a_scheduled_notice_before_it_starts(client, world, supervisor):
    notice = make_notice(world, starts_at=timezone.now() + dt.timedelta(days=1), ends_at=None)
    client.post(reverse("notices:staff_end", args=[notice.pk]))
    notice.refresh_from_db()
    assert notice.state() == "ended" and notice.starts_at == notice.ends_at


def test_it_refuses_to_end_a_draft(client, world, supervisor):
    notice = make_notice(world, publish=False)
    response = client.post(reverse("notices:staff_end", args=[notice.pk]), follow=True)
    assert "nothing to end" in response.content.decode()
    assert not notice.audit_entries().filter(action="notice.ended").exists()
