"""Periodic work: idle conversations end, old conversations and handled email reports are deleted."""

from __future__ import annotations

from datetime import timedelta

from django.core.files.base import ContentFile
from django.utils import timezone

from civicdesk.conversations.models import Conversation, EmailReport, ReportPhoto
from civicdesk.conversations.tasks import close_idle, purge_old

from .helpers import queued_email, stuck_conversation


def test_it_ends_idle_conversations_but_keeps_those_waiting_for_an_agent(world, django_capture_on_commit_callbacks):
    old = timezone.now() - timedelta(minutes=45)
    idle = Conversation.objects.create(channel="sms", sender="+15550000001", jurisdiction=world.elm,
                                       last_message_at=old)
    photo = ReportPhoto(conversation=idle, content_type="image/jpeg")
    photo.file.save("idle.jpg", ContentFile(b"jpeg"), save=True)
    stuck = stuck_conversation(world)
    Conversation.objects.filter(pk=stuck.pk).update(last_message_at=old)
    fresh = Conversation.objects.create(channel="sms", sender="+15550000002", jurisdiction=world.elm)
    with django_capture_on_commit_callbacks(execute=True):
        assert close_idle() == 1
    assert close_idle() == 0  # safe to run twice
    statuses = dict(Conversation.objects.values_list("pk", "status"))
    assert statuses == {idle.pk: "abandoned", stuck.pk: "open", fresh.pk: "open"}
    assert not ReportPhoto.objects.exists()


def test_it_deletes_what_is_older_than_the_retention_period(world, settings):
    settings.CONVERSATIONS_RETENTION_DAYS = 30
    long_ago = timezone.now() - timedelta(days=31)
    ended = Conversation.objects.create(channel="sms", sender="+15550000003", status="filed", closed_at=long_ago)
    recent = Conversation.objects.create(channel="sms", sender="+15550000004", status="filed",
                                         closed_at=timezone.now())
    handled = queued_email(world, key="old@example.org")
    EmailReport.objects.filter(pk=handled.pk).update(status="discarded", handled_at=long_ago)
    waiting = queued_email(world, key="waiting@example.org")
    assert purge_old() == (1, 1)
    assert list(Conversation.objects.values_list("pk", flat=True)) == [recent.pk]
    assert list(EmailReport.objects.values_list("pk", flat=True)) == [waiting.pk]
    assert not Conversation.objects.filter(pk=ended.pk).exists()
