"""Who gets told what when something happens to a request (see signals.py and docs/notifications-events.md).

Each receiver runs inside the transaction of the change, so it only queues: notify() writes the
Delivery rows and enqueues their sending, and a change that rolls back sends nothing. Every
message has a stable `key` naming this occurrence of the event, so calling a receiver twice
(or a task running twice) never sends twice. Nobody is told about their own action.

- Residents: the reporter (always, even on a private request) and the confirmed followers
  (public requests only; told by the `tell_followers` task so a popular request's fan-out
  happens in the worker, not in the staff member's page load).
- Staff: the assignee; @mentioned colleagues; on a transfer the receiving department's
  supervisors (else its shared email); on an SLA mark the team lead, else the department's
  supervisors, else its shared email. Staff messages have the unsubscribe scope "staff".
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from django.conf import settings
from django.dispatch import receiver

from civicdesk.notifications.models import Delivery
from civicdesk.notifications.services import Recipient, notify
from civicdesk.subscriptions.models import Follow
from civicdesk.subscriptions.services import recipients_for_users, reporter_recipient
from civicdesk.throttle.services import Limit, RateLimited, check

from civicdesk.accounts.signals import account_closing

from . import signals, tasks
from .models import ServiceRequest

EMAIL = "servicerequests/email/"


def _not_the_actor(recipients, user) -> list[Recipient]:
    """Drop the person who caused the event; they know already."""
    actor_id = getattr(user, "pk", None)
    return [r for r in recipients if r is not None and (actor_id is None or r.user_id != actor_id)]


def tell_residents(request: ServiceRequest, *, event: str, key: str, template: str, entry=None, user=None,
                   context: dict | None = None, followers: bool = True) -> int:
    """Tell the reporter now, and queue the same news for the request's confirmed followers."""
    # Called even with nobody to tell: notify() also queues the event's webhooks.
    sent = notify(event=event, key=key, recipients=_not_the_actor([reporter_recipient(request)], user),
                  template=EMAIL + template, request=request, scope=f"request:{request.public_id}",
                  context={"role": "reporter", "entry": entry, **(context or {})})
    if followers and request.is_publicly_visible() and Follow.objects.confirmed().filter(request=request).exists():
        tasks.tell_followers.enqueue(event=event, key=key, template=template, request_pk=request.pk,
                                     entry_pk=entry.pk if entry is not None else None,
                                     actor_pk=getattr(user, "pk", None))
    return sent


def tell_staff(request: ServiceRequest, people, *, event: str, key: str, template: str, entry=None, user=None,
               extra: Sequence[Recipient] = (), context: dict | None = None) -> int:
    """Tell colleagues (their own preferences and language) about a request; scope "staff"."""
    recipients = _not_the_actor(recipients_for_users(people), user) + list(extra)
    return notify(event=event, key=key, recipients=recipients, template=EMAIL + template, request=request,
                  scope="staff", context={"entry": entry, **(context or {})})


def department_supervisors(department) -> list:
    """Active people with a supervisor seat in the department: they own its queue."""
    from civicdesk.accounts.models import User
    from civicdesk.jurisdictions.models import StaffMembership

    if department is None:
        return []
    return list(User.objects.filter(is_active=True, memberships__department=department,
                                    memberships__role=StaffMembership.Role.SUPERVISOR).distinct().order_by("pk"))


def _department_inbox(department) -> list[Recipient]:
    """The department's shared mailbox, when it has one: the fallback when nobody holds the seat."""
    if department is None or not department.email:
        return []
    return [Recipient(email=department.email.lower(), name=department.name)]


def within_acknowledgement_limit(recipient: Recipient | None) -> Recipient | None:
    """The reporter with only the channels whose address has had fewer than ACKNOWLEDGEMENTS_PER_ADDRESS_PER_HOUR
    acknowledgements this hour; None when none is left. Anyone can type anyone's address into a report, so
    this is what stops the form being used to flood a stranger's inbox or phone."""
    if recipient is None:
        return None
    kept = set()
    for channel in recipient.channels:
        address = recipient.address(channel)
        if not address:
            continue
        try:
            check(Limit(f"ack:{channel}:{address}", settings.ACKNOWLEDGEMENTS_PER_ADDRESS_PER_HOUR, 3600))
        except RateLimited:
            continue
        kept.add(channel)
    return dataclasses.replace(recipient, channels=frozenset(kept)) if kept else None


@receiver(signals.request_submitted, sender=ServiceRequest)
def request_received(sender, request, acknowledged_on=frozenset(), **kwargs):
    # Only the task is queued here, in the submission's transaction (so it exists exactly when the request
    # does); the worker renders and queues the message (acknowledge_request below), not the resident's request.
    tasks.acknowledge.enqueue(request_pk=request.pk, acknowledged_on=sorted(acknowledged_on))


def acknowledge_request(request: ServiceRequest, acknowledged_on=frozenset()) -> int:
    """Queue the "we received your request" message to the reporter (and the event's webhooks); returns the
    number of deliveries queued. Run by the `acknowledge` task after the submission committed; safe to run
    twice: the message's key is the request's, and a second run neither counts the address against its
    hourly limit again nor sends again."""
    key = f"request:{request.pk}:received"
    reporter = reporter_recipient(request)
    if reporter is not None and acknowledged_on:  # told already (an SMS conversation's last answer)
        reporter = dataclasses.replace(reporter, channels=reporter.channels - frozenset(acknowledged_on))
    if reporter is not None:
        done = set(Delivery.objects.filter(key=key).values_list("channel", flat=True))
        reporter = dataclasses.replace(reporter, channels=reporter.channels - done) if done else reporter
    reporter = within_acknowledgement_limit(reporter)
    return notify(event="request.received", key=key, recipients=[r for r in [reporter] if r],
                  template=EMAIL + "received", request=request, scope=f"request:{request.public_id}",
                  context={"role": "reporter", "entry": None})


@receiver(signals.status_changed, sender=ServiceRequest)
def status_changed(sender, request, entry, closed=False, reopened=False, user=None, **kwargs):
    if not entry.is_public:
        return
    event, template = ("request.closed", "closed") if closed else (
        ("request.reopened", "reopened") if reopened else ("request.status_changed", "status_changed"))
    tell_residents(request, event=event, key=f"timeline:{entry.pk}", template=template, entry=entry, user=user)


@receiver(signals.request_merged, sender=ServiceRequest)
def request_merged(sender, request, into, entry, user=None, **kwargs):
    tell_residents(request, event="request.merged", key=f"timeline:{entry.pk}", template="merged", entry=entry,
                   user=user, context={"into": into})


@receiver(signals.public_update, sender=ServiceRequest)
def public_update(sender, request, entry, user=None, **kwargs):
    tell_residents(request, event="request.public_update", key=f"timeline:{entry.pk}", template="public_update",
                   entry=entry, user=user)


@receiver(signals.request_assigned, sender=ServiceRequest)
def request_assigned(sender, request, entry, assignee=None, user=None, **kwargs):
    if assignee is not None:
        tell_staff(request, [assignee], event="staff.assigned", key=f"timeline:{entry.pk}:assigned",
                   template="staff_assigned", entry=entry, user=user, context={"actor": user})


@receiver(signals.staff_mentioned, sender=ServiceRequest)
def staff_mentioned(sender, request, entry, mentioned, user=None, **kwargs):
    tell_staff(request, mentioned, event="staff.mentioned", key=f"timeline:{entry.pk}:mentioned",
               template="staff_mentioned", entry=entry, user=user, context={"actor": user})


@receiver(signals.request_transferred, sender=ServiceRequest)
def request_transferred(sender, request, entry, department, user=None, **kwargs):
    supervisors = department_supervisors(department)
    tell_staff(request, supervisors, event="staff.transferred", key=f"timeline:{entry.pk}:transferred",
               template="staff_transferred", entry=entry, user=user,
               extra=[] if supervisors else _department_inbox(department),
               context={"actor": user, "department": department, "reason": entry.data.get("reason", "")})


@receiver(signals.sla_marked, sender=ServiceRequest)
def sla_marked(sender, request, entry, state, **kwargs):
    team = request.team if request.team_id else None
    department = request.department if request.department_id else None
    people = [team.lead] if team is not None and team.lead_id and team.lead.is_active else []
    people = people or department_supervisors(department)
    tell_staff(request, people, event=f"staff.{state}", key=f"timeline:{entry.pk}:sla", template=f"staff_{state}",
               entry=entry, extra=[] if people else _department_inbox(department),
               context={"state": state})


@receiver(account_closing)
def anonymise_closed_accounts_requests(sender, user, email: str, **kwargs):
    """A resident closed their account: keep their reports, without anything that names them."""
    from django.db.models import Q

    ServiceRequest.objects.filter(Q(reporter=user) | Q(contact_email__iexact=email)).update(
        reporter=None, contact_name="", contact_email="", contact_phone="")
