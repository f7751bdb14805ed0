"""Periodic work: end idle conversations, and delete old conversations and email reports (retention)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from civicdesk.core.periodic import unless_database_busy


def close_idle(*, now=None) -> int:
    """End every open conversation idle for CONVERSATIONS_IDLE_MINUTES (its photos are dropped), except those
    waiting for an agent; returns how many.
    Safe to run twice: a conversation already ended is not touched again."""
    from .models import Conversation
    from .services import drop_photos

    now = now or timezone.now()
    cutoff = now - timedelta(minutes=settings.CONVERSATIONS_IDLE_MINUTES)
    closed = 0
    idle = Conversation.objects.filter(status=Conversation.Status.OPEN, needs_agent=False, last_message_at__lt=cutoff)
    for pk in idle.values_list("pk", flat=True)[:1000]:
        with transaction.atomic():
            conversation = idle.select_for_update().filter(pk=pk).first()
            if conversation is None:
                continue
            conversation.close(Conversation.Status.ABANDONED, "timed out", now=now)
            conversation.save()
            drop_photos(conversation)
            closed += 1
    return closed


def purge_old(*, now=None) -> tuple[int, int]:
    """Delete conversations ended, and email reports handled, more than CONVERSATIONS_RETENTION_DAYS ago
    (messages and waiting photos with them). Returns (conversations, email reports). The requests they became
    keep their own history."""
    from .models import Conversation, EmailReport
    from .services import drop_photos

    cutoff = (now or timezone.now()) - timedelta(days=settings.CONVERSATIONS_RETENTION_DAYS)
    with transaction.atomic():
        old = Conversation.objects.exclude(status__in=Conversation.OPEN_STATUSES).filter(closed_at__lt=cutoff)
        reports = EmailReport.objects.exclude(status=EmailReport.Status.QUEUED).filter(handled_at__lt=cutoff)
        for owner in list(old.filter(photos__isnull=False).distinct()) + list(
                reports.filter(photos__isnull=False).distinct()):
            drop_photos(owner)
        counts = old.count(), reports.count()
        old.delete()
        reports.delete()
    return counts


@task()
def close_idle_task() -> int:
    """The scheduler's slot for close_idle() (every 5 minutes)."""
    return unless_database_busy(close_idle, "closing idle conversations")


@task()
def purge_old_task() -> int:
    """The scheduler's slot for purge_old() (daily); returns the number of rows deleted."""
    return unless_database_busy(lambda: sum(purge_old()), "purging old conversations")
