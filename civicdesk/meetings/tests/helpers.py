"""Making meetings in tests: a published Elm town hall tomorrow evening unless told otherwise."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from civicdesk.meetings import services
from civicdesk.meetings.models import Meeting


def make_meeting(world, *, publish=True, user=None, **fields) -> Meeting:
    """A meeting saved (and published) through the services, as staff would."""
    starts = fields.pop("starts_at", timezone.now() + dt.timedelta(days=3))
    values = {"jurisdiction": world.elm, "kind": Meeting.Kind.TOWN_HALL, "title_en": "Budget town hall",
              "title_es": "Asamblea sobre el presupuesto", "body_en": "Tell us what matters for next year.",
              "body_es": "Díganos qué importa.", "address": "1 Elm Square", "lat": 3.0, "long": 2.5,
              "starts_at": starts, "ends_at": starts + dt.timedelta(hours=2)}
    values.update(fields)
    meeting = Meeting(**values)
    meeting.full_clean(exclude=["title", "body", "minutes"])
    services.save_meeting(meeting, user=user)
    if publish:
        services.publish(meeting, user=user)
        meeting.refresh_from_db()
    return meeting


def verified(user):
    """The user with a confirmed email address (as after the verification link)."""
    user.email_verified_at = timezone.now()
    user.save(update_fields=["email_verified_at"])
    return user
