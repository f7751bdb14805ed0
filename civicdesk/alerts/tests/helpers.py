"""Small builders shared by the alerts tests."""

from __future__ import annotations

from django.utils import timezone

from civicdesk.alerts.models import AreaSubscription
from civicdesk.servicerequests import services
from civicdesk.testing.world import IN_WEST_ELM


def live(email: str, *, lat=None, long=None, radius_m=None, district=None, types=(), **fields) -> AreaSubscription:
    """A confirmed, active subscription (a circle when lat/long are given, else the district)."""
    if district is None and lat is None:
        lat, long = IN_WEST_ELM
    if district is None and radius_m is None:
        radius_m = 500
    subscription = AreaSubscription.objects.create(email=email, lat=lat, long=long, radius_m=radius_m,
                                                   district=district, confirmed_at=timezone.now(),
                                                   all_types=not types, **fields)
    subscription.service_types.set(types)
    return subscription


def pothole(world, *, lat=IN_WEST_ELM[0], long=IN_WEST_ELM[1], **fields):
    fields.setdefault("description", "Deep hole by the bus stop")
    return services.submit_request(service_type=world.pothole, lat=lat, long=long, attributes={"depth": "deep"},
                                   **fields)


def text(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()
