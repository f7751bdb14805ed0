"""Renewals (civicdesk/applications/renewals.py): reminders once per window (and a second one), never for a
revoked, expired or already renewed licence; the one-click renewal re-uses the last answers and the documents
still valid, links to the old permit, and on approval starts where the old permit ends."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import OperationalError
from django.utils import timezone

from civicdesk.applications import demo, renewals, services, tasks
from civicdesk.applications.models import Application, ApplicationType
from civicdesk.notifications.models import Delivery


@pytest.fixture
def dog(world, seats, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    kind_type = demo.build_dog_licence(world.elm, review_department=world.public_works)
    services.update_type(kind_type, user=seats.admin, renewal_window_days=60, second_reminder_days=14)
    return kind_type


def licence(dog, world, seats, days_left: int):
    return demo.dog_licence_near_expiry(dog, world.alice, user=seats.admin, days_left=days_left)


def reminders() -> list[str]:
    return list(Delivery.objects.filter(event="permit.renewal_reminder").order_by("id").values_list("key", flat=True))


def test_it_reminds_once_in_the_window_and_once_more_near_expiry(dog, world, seats):
    permit = licence(dog, world, seats, days_left=30)
    far = licence(dog, world, seats, days_left=90)
    assert renewals.send_reminders() == 1 and renewals.send_reminders() == 0
    permit.refresh_from_db()
    assert permit.reminded_at is not None and permit.second_reminded_at is None
    assert len(reminders()) == 1 and far.pk not in [int(k.split(":")[1]) for k in reminders()]
    later = timezone.now() + dt.timedelta(days=17)
    assert renewals.send_reminders(now=later) == 1 and renewals.send_reminders(now=later) == 0
    assert [key.rsplit(":", 1)[1] for key in reminders()] == ["first", "second"]
    message = Delivery.objects.filter(event="permit.renewal_reminder").first()
    assert f"/permits/renew/{permit.code}/" in message.body_text


def test_it_sends_none_for_a_revoked_an_expired_or_a_renewed_licence(dog, world, seats):
    revoked = licence(dog, world, seats, days_left=20)
    services.revoke(revoked, user=seats.admin, reason="Dog moved away.")
    licence(dog, world, seats, days_left=-3)
    renewed = licence(dog, world, seats, days_left=25)
    renewals.start_renewal(renewed, user=world.alice, language="en")
    assert renewals.send_reminders() == 0 and reminders() == []


def test_it_starts_a_renewal_with_the_last_answers_and_valid_documents(dog, world, seats):
    permit = licence(dog, world, seats, days_left=30)
    renewal = renewals.start_renewal(permit, user=world.alice, language="es")
    assert renewal.status == Application.Status.DRAFT and renewal.renews == permit
    assert renewal.answers == permit.application.answers
    copied = renewal.documents.get()
    assert copied.original_name == "rabies.pdf" and copied.file.read() == demo.DEMO_PDF
    assert copied.file.name != permit.application.documents.get().file.name
    # Asked again (a second click), the same renewal comes back.
    assert renewals.start_renewal(permit, user=world.alice, language="es") == renewal
    assert renewal.audit_entries().filter(action="application.renewal_started").exists()


def test_it_leaves_behind_documents_older_than_a_licence_period(dog, world, seats):
    permit = licence(dog, world, seats, days_left=30)
    permit.application.documents.update(uploaded_at=timezone.now() - dt.timedelta(days=400))
    renewal = renewals.start_renewal(permit, user=world.alice, language="en")
    assert not renewal.documents.exists()
    with pytest.raises(services.ApplicationError):
        services.submit(renewal, user=world.alice)  # the certificate must be uploaded again


def test_it_refuses_someone_else_and_a_licence_not_yet_due(dog, world, seats):
    permit = licence(dog, world, seats, days_left=200)
    with pytest.raises(services.ApplicationError, match="cannot be renewed now"):
        renewals.start_renewal(permit, user=world.alice, language="en")
    with pytest.raises(services.ApplicationError, match="Only the holder"):
        renewals.start_renewal(permit, user=world.mallory, language="en")
    assert Application.objects.filter(renews=permit).count() == 0


def test_the_renewed_licence_starts_where_the_old_one_ends(dog, world, seats):
    permit = licence(dog, world, seats, days_left=30)
    renewal = renewals.start_renewal(permit, user=world.alice, language="en")
    new = demo.decided(services.submit(renewal, user=world.alice), user=seats.admin)
    assert new.valid_from == permit.valid_until
    assert new.valid_until == permit.valid_until + dt.timedelta(days=dog.valid_days)


def test_the_second_reminder_must_come_after_the_first(dog, seats):
    with pytest.raises(services.ApplicationError, match="second renewal reminder"):
        services.update_type(dog, user=seats.admin, renewal_window_days=10, second_reminder_days=30)
    assert ApplicationType.objects.get(pk=dog.pk).second_reminder_days == 14


def test_the_task_leaves_a_busy_database_to_the_next_run(dog, world, seats, monkeypatch):
    licence(dog, world, seats, days_left=30)

    def busy(now=None):
        raise OperationalError("database is locked")

    monkeypatch.setattr(renewals, "send_reminders", busy)
    assert tasks.renewal_reminders_task.call() == 0
    monkeypatch.undo()
    assert tasks.renewal_reminders_task.call() == 1
