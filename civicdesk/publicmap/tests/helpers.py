"""Requests for the public map's tests, created directly (no acknowledgement task), and a sensitive type."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from civicdesk.catalog.models import ServiceType
from civicdesk.servicerequests.models import ServiceRequest
from civicdesk.testing.world import IN_WEST_ELM


def make_request(world, **fields) -> ServiceRequest:
    """A pothole in West Elm handled by Public Works, with contact details, made `ago` before now."""
    ago = fields.pop("ago", dt.timedelta(hours=1))
    status = fields.pop("status", world.statuses["submitted"])
    values = {"jurisdiction": world.elm, "service_type": world.pothole, "status": status,
              "is_open": status.is_open, "lat": IN_WEST_ELM[0], "long": IN_WEST_ELM[1], "address": "12 Oak Street",
              "district": world.west, "department": world.public_works,
              "contact_name": "Zed Private", "contact_email": "zed@example.org", "contact_phone": "+15550001111",
              "description": "Deep hole by the bus stop", "requested_at": timezone.now() - ago}
    return ServiceRequest.objects.create(**{**values, **fields})


def sensitive_type(world) -> ServiceType:
    return ServiceType.objects.create(code="rodents", name="Rodents", name_es="Roedores", is_sensitive=True)
