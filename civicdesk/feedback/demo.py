"""Demo "was it fixed?" answers for a demo city (civicdesk/cities/riverbend.py calls `seed_demo_answers`).

The demo history is written straight into the tables with past dates (as the demo requests are), so the
staff results, the dashboard and last month's report show real numbers. A "not fixed" answer is written
with what it would have done at the time: the request reopened that day, and (for older ones) closed again
by the crew a few days later. A few comments get a published "you said, we did" reply.
"""

from __future__ import annotations

import datetime as dt
import random

#: Share of the closed requests whose reporter answered.
ANSWER_RATE = 0.35
FIXED_RATE = 0.84
#: Comments residents left: (text, fixed?).
COMMENTS = [
    ("Quick and tidy work, thank you.", True), ("Took longer than I hoped but it is done.", True),
    ("The crew was friendly and cleaned up after themselves.", True), ("Fixed, but the patch is already uneven.", True),
    ("Muy rápido, gracias.", True), ("Nobody came, it is exactly the same.", False),
    ("Only half of it was done; the rest is still there.", False), ("Sigue igual que antes.", False),
]
REPLIES = [
    "Thank you for telling us. The crew went back the same week and finished the job.",
    "We have added this street to the resurfacing list for the spring.",
    "Thank you: we shared your words with the crew.",
]


def seed_demo_answers(*, rng: random.Random, now: dt.datetime, staff_by_department: dict[int, object]) -> int:
    """Write answers on about a third of the public requests closed as fixed (or no further action) in the last
    120 days by a reporter with an email address; returns how many. Idempotent: requests already asked are
    left alone."""
    from civicdesk.catalog.models import Status
    from civicdesk.notifications.services import link_token
    from civicdesk.servicerequests.models import ServiceRequest, TimelineEntry

    from .models import Answer, AskedRequest, Invitation
    from .services import publish_reply, reopen_status

    closed = list(ServiceRequest.objects.public().filter(
        is_open=False, closed_at__gte=now - dt.timedelta(days=120), closed_at__lte=now - dt.timedelta(days=4),
        status__code__in=["fixed", "no_further_action"], duplicate_of__isnull=True)
        .exclude(contact_email="").exclude(feedback_asked__isnull=False)
        .select_related("status").order_by("closed_at", "pk"))
    fixed_status = Status.objects.get(code="fixed")
    made, replied = 0, 0
    for request in closed:
        if rng.random() >= ANSWER_RATE:
            continue
        asked_at = request.closed_at + dt.timedelta(days=3)
        answered_at = asked_at + dt.timedelta(hours=rng.uniform(1, 60))
        if answered_at >= now:
            continue
        AskedRequest.objects.create(request=request, asked_at=asked_at)
        address = request.contact_email.lower()
        invitation = Invitation.objects.create(
            request=request, respondent=f"email:{address}", role="reporter", channel="email", address=address,
            language=request.language, asked_at=asked_at,
            token=link_token("feedback", "email", address, f"request:{request.pk}"))
        fixed = rng.random() < FIXED_RATE
        satisfaction = (rng.choices([5, 4, 3, 2], [45, 35, 13, 7])[0] if fixed
                        else rng.choices([1, 2, 3, None], [45, 30, 10, 15])[0])
        comment, public = "", False
        if rng.random() < 0.3:
            comment = rng.choice([text for text, said_fixed in COMMENTS if said_fixed == fixed])
            public = rng.random() < 0.6
        answer = Answer.objects.create(
            invitation=invitation, request=request, fixed=fixed, satisfaction=satisfaction, comment=comment,
            comment_public=public, channel="web", created_at=answered_at, updated_at=answered_at,
            effect="" if fixed else Answer.Effect.REOPENED)
        made += 1
        if not fixed:
            _reopened_then(request, answer, answered_at, now, rng, fixed_status, reopen_status, TimelineEntry)
        if comment and public and replied < len(REPLIES) and request.department_id in staff_by_department:
            publish_reply(answer, text=REPLIES[replied], user=staff_by_department[request.department_id])
            replied += 1
    return made


def _reopened_then(request, answer, when, now, rng, fixed_status, reopen_status, TimelineEntry) -> None:
    """What the "not fixed" answer did at the time: reopened the request; the crew closed it again after a few
    days, unless that is still ahead."""
    target = reopen_status(request.status)
    if target is None:
        return
    entries = [TimelineEntry(request=request, kind=TimelineEntry.Kind.STATUS, is_public=True, created_at=when,
                             status_from_id=request.status_id, status_to_id=target.pk,
                             message="A resident told us the problem is not fixed, so we reopened this request."),
               TimelineEntry(request=request, kind=TimelineEntry.Kind.RESIDENT_REPLY, is_public=False,
                             created_at=when, message="“Was it fixed?”: the resident says it is NOT fixed."
                             + (f"\n\n{answer.comment}" if answer.comment else ""),
                             data={"feedback_answer": answer.pk, "effect": answer.effect})]
    closed_again = when + dt.timedelta(days=rng.uniform(1, 6))
    if closed_again < now:
        entries.append(TimelineEntry(request=request, kind=TimelineEntry.Kind.STATUS, is_public=True,
                                     created_at=closed_again, status_from_id=target.pk,
                                     status_to_id=fixed_status.pk, message="Crew went back and finished the work."))
        request.status_id, request.is_open, request.closed_at = fixed_status.pk, False, closed_again
    else:
        request.status_id, request.is_open, request.closed_at = target.pk, True, None
    request.updated_at = entries[-1].created_at
    TimelineEntry.objects.bulk_create(entries)
    request.save(update_fields=["status", "is_open", "closed_at", "updated_at"])
