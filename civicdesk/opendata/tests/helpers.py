"""Requests for the open-data tests: an ordinary one, and one of each kind that must never leak."""

from __future__ import annotations

from dataclasses import dataclass

from civicdesk.catalog.models import ServiceType
from civicdesk.servicerequests.models import Attachment, ServiceRequest, TimelineEntry
from civicdesk.testing.world import IN_WEST_ELM

#: Text that must never appear in any public output (each comes from a private field or a private request).
CANARIES = ["CANARYNAME", "canary.person@example.org", "+12175550199", "2175550199", "CANARYDEVICE", "CANARYCLIENT",
            "CANARYINTERNALNOTE", "CANARYPRIVATEREQUEST", "CANARYPRIVATETYPE", "CANARYPRIVATESERVICE",
            "Canary Street", "3.0123456", "2.5123456", "alice@example.org", "typed.in@example.org", "217-555-0147",
            "CANARYREDACTED"]


@dataclass
class Leaky:
    ordinary: ServiceRequest
    contact: ServiceRequest
    private: ServiceRequest
    private_type: ServiceRequest
    sensitive: ServiceRequest
    hidden_photo: Attachment
    visible_photo: Attachment


def make_request(world, **fields) -> ServiceRequest:
    values = {"jurisdiction": world.elm, "service_type": world.pothole, "status": world.statuses["submitted"],
              "lat": IN_WEST_ELM[0], "long": IN_WEST_ELM[1], "address": "12 Oak Street", "department": world.public_works,
              "district": world.west, "description": "Deep hole by the bus stop"}
    return ServiceRequest.objects.create(**{**values, **fields})


def make_leaky(world) -> Leaky:
    """One request of each kind the privacy rules cover, with canaries in every field that must stay private."""
    ordinary = make_request(world)
    contact = make_request(
        world, contact_name="CANARYNAME Person", contact_email="canary.person@example.org",
        contact_phone="+1 217 555 0199", device_id="CANARYDEVICE", client_name="CANARYCLIENT", reporter=world.alice,
        description="Broken again, email typed.in@example.org or call 217-555-0147 please")
    TimelineEntry.objects.create(request=contact, kind=TimelineEntry.Kind.INTERNAL_NOTE, is_public=False,
                                 message="CANARYINTERNALNOTE the caller is difficult")
    visible = Attachment.objects.create(request=contact, kind="photo", file="requests/visible.jpg",
                                        content_type="image/jpeg")
    hidden = Attachment.objects.create(request=contact, kind="photo", file="requests/hidden.jpg",
                                       content_type="image/jpeg", hidden=True)
    private = make_request(world, is_private=True, description="CANARYPRIVATEREQUEST")
    Attachment.objects.create(request=private, kind="photo", file="requests/private.jpg", content_type="image/jpeg")
    private_type = make_request(world, service_type=world.records, description="CANARYPRIVATETYPE")
    rodents = ServiceType.objects.create(code="rodents", name="Rats", is_sensitive=True)
    ServiceType.objects.create(code="tax", name="CANARYPRIVATESERVICE", is_private=True)
    sensitive = make_request(world, service_type=rodents, lat=3.0123456, long=2.5123456,
                             address="99 Canary Street", description="Rats in the yard")
    # A request whose hidden photo is its only one: no media URL at all.
    only_hidden = make_request(world, description="Only a hidden photo")
    Attachment.objects.create(request=only_hidden, kind="photo", file="requests/hidden2.jpg",
                              content_type="image/jpeg", hidden=True)
    return Leaky(ordinary, contact, private, private_type, sensitive, hidden, visible)


def assert_no_canary(text: str, *, where: str) -> None:
    for canary in CANARIES:
        assert canary not in text, f"{canary!r} leaked into {where}"
