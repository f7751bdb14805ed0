"""Making notices in tests: a water main disruption over West Elm unless told otherwise."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from civicdesk.notices import services
from civicdesk.notices.models import ServiceNotice
from civicdesk.testing.world import square

#: A small square inside West Elm (lon 2.2..2.8, lat 2.8..3.2) holding IN_WEST_ELM (3.0, 2.5).
WEST_PATCH = square(2.2, 2.8, 2.8, 3.2)
INSIDE_PATCH = (3.0, 2.5)
OUTSIDE_PATCH = (3.0, 3.5)  # East Elm


def make_notice(world, *, user=None, publish=True, districts=(), service_types=(), **fields) -> ServiceNotice:
    """A notice saved (and published) through the services, as staff would."""
    now = timezone.now()
    values = {"jurisdiction": world.elm, "kind": ServiceNotice.Kind.DISRUPTION,
              "severity": ServiceNotice.Severity.MAJOR, "title_en": "Water main repair on Oak Street",
              "title_es": "Reparación de tubería en Oak Street", "body_en": "Water is off while crews work.",
              "body_es": "No hay agua mientras trabajan.", "area": WEST_PATCH,
              "starts_at": now - dt.timedelta(hours=1), "ends_at": now + dt.timedelta(days=2)}
    values.update(fields)
    notice = ServiceNotice(**values)
    notice.full_clean(exclude=["title", "body"])
    user = user or world.extra.get("publisher")
    services.save_notice(notice, user=user, districts=districts, service_types=service_types)
    if publish:
        services.publish(notice, user=user)
        notice.refresh_from_db()
    return notice
