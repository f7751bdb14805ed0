"""The newsletter: subscribing with a confirmation link, composing, previewing and sending an issue once."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from civicdesk.notifications.services import (
    Recipient,
    link_token,
    normalise_address,
    notify,
    opt_in,
    read_link_token,
)
from civicdesk.throttle.services import Limit, check

from .models import SCOPE, Issue, Subscriber

CONFIRM_PURPOSE = "newsletter_confirm"
#: Recipients handed to notify() at a time by the sending task.
SEND_BATCH = 1000


class IssueRejected(Exception):
    """The issue cannot be sent in its current state; the message says why, for staff."""


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


# --- subscribing ---------------------------------------------------------------------------------------------

def confirm_url(subscriber: Subscriber) -> str:
    token = link_token(CONFIRM_PURPOSE, "email", subscriber.email, scope=SCOPE)
    return settings.SITE_URL + reverse("newsletter:confirm", args=[token])


def subscriber_from_token(token: str) -> Subscriber | None:
    found = read_link_token(token, CONFIRM_PURPOSE)
    if found is None:
        return None
    return Subscriber.objects.filter(email=found.address).first()


def subscribe(*, email: str, language: str, client: str, now: dt.datetime | None = None) -> Subscriber:
    """Email a confirmation link to `email` (double opt-in); nothing is sent to it until it is followed.

    The same answer whatever the address's state, so the page never tells whether someone subscribed.
    Limited per address, per client and overall."""
    now = now or timezone.now()
    email = normalise_address("email", email)
    check(Limit(f"newsletter:confirm:dest:{email}", _setting("NEWSLETTER_CONFIRMATIONS_PER_ADDRESS_PER_DAY", 3),
                86400),
          Limit(f"newsletter:confirm:client:{client}", _setting("NEWSLETTER_SUBSCRIBES_PER_CLIENT_PER_HOUR", 10),
                3600),
          Limit("newsletter:confirm:global", _setting("NEWSLETTER_SUBSCRIBES_PER_HOUR", 2000), 3600),
          message=_("Too many subscription emails were asked for. Please try again later."), now=now)
    with transaction.atomic():
        subscriber, created = Subscriber.objects.get_or_create(email=email, defaults={"language": language,
                                                                                       "created_at": now})
        if not created and language and subscriber.language != language:
            subscriber.language = language
            subscriber.save(update_fields=["language"])
        notify(event="newsletter.confirm", key=f"newsletter-confirm:{subscriber.pk}:{now.timestamp():.6f}",
               recipients=[Recipient(email=email, language=subscriber.language)],
               template="newsletter/notify/confirm", context={"confirm_url": confirm_url(subscriber)})
    return subscriber


def confirm(subscriber: Subscriber, *, now: dt.datetime | None = None) -> Subscriber:
    """Confirm the subscription (idempotent) and lift an earlier unsubscribe from the newsletter."""
    with transaction.atomic():
        if subscriber.confirmed_at is None:
            subscriber.confirmed_at = now or timezone.now()
            subscriber.save(update_fields=["confirmed_at"])
        opt_in("email", subscriber.email, SCOPE)
    return subscriber


# --- issues --------------------------------------------------------------------------------------------------

def save_issue(issue: Issue, *, user, notices, meetings, changed_fields=()) -> Issue:
    """Create or change a draft issue, audited (issue.created / issue.changed). IssueRejected once sent."""
    creating = issue.pk is None
    with transaction.atomic():
        if not creating and Issue.objects.select_for_update().get(pk=issue.pk).status != Issue.Status.DRAFT:
            raise IssueRejected(_("This issue has been sent: it can no longer be changed."))
        if creating:
            issue.created_by = user if getattr(user, "is_authenticated", False) else None
        issue.save()
        issue.notices.set(notices)
        issue.meetings.set(meetings)
        issue.log_action("issue.created" if creating else "issue.changed", user=user,
                         data={"fields": sorted(set(changed_fields)), "subject": issue.subject})
    return issue


def send_issue(issue: Issue, *, user, now: dt.datetime | None = None) -> bool:
    """Start sending a draft issue to every confirmed subscriber; True when this call started it.

    Pressing "send" twice (two requests at once included) starts it once: the row is locked and only a draft
    moves to "sending". The sending task is enqueued in the same transaction."""
    from .tasks import deliver_issue_task

    with transaction.atomic():
        locked = Issue.objects.select_for_update().get(pk=issue.pk)
        if locked.status != Issue.Status.DRAFT:
            return False
        locked.status = Issue.Status.SENDING
        locked.sent_at = now or timezone.now()
        locked.sent_by = user if getattr(user, "is_authenticated", False) else None
        locked.save(update_fields=["status", "sent_at", "sent_by"])
        locked.log_action("issue.sent", user=user, data={"subject": locked.subject,
                                                         "subscribers": Subscriber.objects.confirmed().count()})
        deliver_issue_task.enqueue(locked.pk)
    issue.refresh_from_db()
    return True


def _recipients(subscribers) -> list[Recipient]:
    return [Recipient(email=s.email, language=s.language) for s in subscribers]


def deliver_issue(issue_id: int) -> int:
    """Queue the issue for every confirmed subscriber, in their language, and mark it sent; returns messages
    newly queued. Safe to run again after a crash: notify() skips every address already queued for the
    issue's key, so nobody gets it twice. Subscribers are read in id order, a batch at a time."""
    issue = Issue.objects.select_related("jurisdiction").filter(pk=issue_id).first()
    if issue is None or issue.status == Issue.Status.DRAFT:
        return 0
    context = issue_context(issue)
    queued, last_id, total = 0, 0, 0
    while True:
        batch = list(Subscriber.objects.confirmed().filter(pk__gt=last_id).order_by("pk")[:SEND_BATCH])
        if not batch:
            break
        last_id = batch[-1].pk
        total += len(batch)
        with transaction.atomic():
            queued += notify(event="newsletter.issue", key=issue.notification_key, recipients=_recipients(batch),
                             template="newsletter/notify/issue", context=context, scope=SCOPE)
    Issue.objects.filter(pk=issue.pk).update(status=Issue.Status.SENT, recipients=total)
    return queued


def issue_context(issue: Issue) -> dict:
    """What the issue templates need: the issue, its notices and meetings (published ones only), links."""
    return {
        "issue": issue,
        "notices": list(issue.notices.filter(published_at__isnull=False).select_related("jurisdiction")
                        .order_by("-starts_at")),
        "meetings": list(issue.meetings.filter(published_at__isnull=False).select_related("jurisdiction")
                         .order_by("starts_at")),
        "archive_url": settings.SITE_URL + reverse("newsletter:archive"),
        "issue_url": settings.SITE_URL + issue.get_absolute_url(),
    }


def preview(issue: Issue) -> list[dict]:
    """The issue as each language's subscribers will get it: {"code", "name", "subject", "text", "html"}.

    Rendered from the same templates notify() uses, with a placeholder unsubscribe link. "subject" and "text"
    come from templates with autoescape off (they are plain text): a page must escape them (force_escape)."""
    context = issue_context(issue)
    shown = []
    for code, name in settings.LANGUAGES:
        with translation.override(code):
            values = {**context, "recipient": Recipient(email="", language=code), "site_url": settings.SITE_URL,
                      "unsubscribe_url": settings.SITE_URL + reverse("newsletter:archive"),
                      "h_top": "h4", "h_section": "h5"}
            shown.append({
                "code": code, "name": name,
                "subject": " ".join(render_to_string("newsletter/notify/issue_subject.txt", values).split()),
                "text": render_to_string("newsletter/notify/issue.txt", values),
                "html": render_to_string("newsletter/includes/issue_body.html", values),
            })
    return shown
