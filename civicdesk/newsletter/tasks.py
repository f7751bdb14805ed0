"""Background work for the newsletter: queueing an issue for every confirmed subscriber."""

from __future__ import annotations

from django_tasks import task


@task()
def deliver_issue_task(issue_id: int) -> int:
    """See services.deliver_issue: safe to run twice; a restarted worker skips everyone already queued."""
    from .services import deliver_issue

    return deliver_issue(issue_id)
