"""Migration 0006: contact phones already stored become E.164; what cannot be read is kept as typed."""

from __future__ import annotations

import importlib

from django.apps import apps

from civicdesk.servicerequests.models import ServiceRequest
from civicdesk.servicerequests.services import submit_request
from civicdesk.testing.world import IN_WEST_ELM

migration = importlib.import_module("civicdesk.servicerequests.migrations.0006_contact_phone_e164")


def test_it_converts_old_rows_and_keeps_unreadable_ones(world):
    typed = ["217-555-0142", "(217) 555-0143", "1-217-555-0144 x7", "555-0199", "call the office", ""]
    ids = []
    for phone in typed:
        request = submit_request(service_type=world.pothole, lat=IN_WEST_ELM[0], long=IN_WEST_ELM[1],
                                 attributes={"depth": "deep"}, contact_email="a@example.org")
        ServiceRequest.objects.filter(pk=request.pk).update(contact_phone=phone)  # as an old release stored it
        ids.append(request.pk)

    migration.to_e164(apps, None)

    stored = dict(ServiceRequest.objects.filter(pk__in=ids).values_list("pk", "contact_phone"))
    assert [stored[pk] for pk in ids] == ["+12175550142", "+12175550143", "+12175550144 ext. 7", "555-0199",
                                          "call the office", ""]
