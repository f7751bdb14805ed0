"""Events in a request's life, sent by the service functions inside the transaction that made the change.

Receivers (notifications, follows, area alerts, webhooks) run inside that same transaction, so whatever
they queue is committed, or rolled back, together with the change itself. A receiver must not do slow
work or network I/O: it records what to send and enqueues a task.

Every signal is sent with `sender=ServiceRequest` and these keyword arguments:

- request_submitted: request, acknowledged_on (frozenset of notification channels on which the reporter was
  already given the tracking number by the channel that filed it; the acknowledgement skips them)
- request_received: request. The one signal not sent in the transaction of the change: the worker sends it
  (tasks.acknowledge) once a submission has committed, for follow-up work the resident's own request need not
  pay for (area alerts enqueue their matching here: one task row less per report). The task may run again
  after a crash, so a receiver must be safe to run twice (keys, as everywhere in notifications).
- status_changed: request, entry (the STATUS TimelineEntry), previous (Status), closed (bool: it left the open
  states now), reopened (bool: it came back from a closed state), user (actor or None)
- request_merged: request (the duplicate, now closed), into (the original), entry (the duplicate's public
  entry), user
- public_update: request, entry (a public note, e.g. an Open311 update or a staff reply), user
- request_assigned: request, entry, assignee (User or None), team (Team or None), user
- request_transferred: request, entry, department (the new one), user
- staff_mentioned: request, entry (the internal note), mentioned (list of Users), user
- sla_marked: request, entry (the internal SLA note), state ("due_soon" or "overdue")
"""

from __future__ import annotations

from django.dispatch import Signal

request_submitted = Signal()
request_received = Signal()
status_changed = Signal()
request_merged = Signal()
public_update = Signal()
request_assigned = Signal()
request_transferred = Signal()
staff_mentioned = Signal()
sla_marked = Signal()
