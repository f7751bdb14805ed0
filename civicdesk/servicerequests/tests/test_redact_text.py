"""redact_text(): text posted by mistake leaves the public pages and Open311; admins alone still read it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from civicdesk.testing.auth import login_verified
from civicdesk.audit.models import AuditEntry
from civicdesk.servicerequests import services
from civicdesk.servicerequests.models import TimelineEntry
from civicdesk.staff.models import Redaction
from civicdesk.staff.tests.people import seat_people
from civicdesk.testing.world import IN_EAST_ELM

SECRET = "Call me on 555-0100, my neighbour Jo Smith did it"
REDACTED = "Call me on [redacted]"


@pytest.fixture
def graffiti(world):
    return services.submit_request(service_type=world.graffiti, lat=IN_EAST_ELM[0], long=IN_EAST_ELM[1],
                                   description=SECRET, contact_email="rita@example.org")


def test_it_replaces_the_description_and_keeps_the_original_for_audit(world, graffiti):
    redaction = services.redact_text(graffiti, redacted=REDACTED, user=world.bob, reason="Phone number")
    graffiti.refresh_from_db()
    assert graffiti.description == REDACTED
    assert (redaction.original, redaction.redacted, redaction.entry) == (SECRET, REDACTED, None)
    audit = AuditEntry.objects.get(action="servicerequest.redacted")
    assert audit.data["original"] == SECRET and audit.actor == world.bob
    note = graffiti.timeline.get(data__redaction=redaction.pk)
    assert not note.is_public and SECRET not in note.message


def test_it_redacts_a_public_timeline_message(world, graffiti):
    entry = services.add_note(graffiti, message="My number is 555-0100", user=None, public=True)
    services.redact_text(graffiti, redacted="My number is [redacted]", user=world.bob, entry=entry)
    entry.refresh_from_db()
    assert entry.message == "My number is [redacted]"
    assert Redaction.objects.get(entry=entry).original == "My number is 555-0100"


def test_it_refuses_an_internal_entry_or_an_unchanged_text(world, graffiti):
    internal = services.add_internal_note(graffiti, message="Staff only", user=world.bob)
    with pytest.raises(services.RequestRejected):
        services.redact_text(graffiti, redacted="x", user=world.bob, entry=internal)
    with pytest.raises(services.RequestRejected):
        services.redact_text(graffiti, redacted=SECRET, user=world.bob)
    assert not Redaction.objects.exists() and not AuditEntry.objects.filter(action="servicerequest.redacted").exists()


def test_it_shows_only_the_redacted_text_on_public_pages_and_open311(client, world, graffiti):
    services.redact_text(graffiti, redacted=REDACTED, user=world.bob)
    page = client.get(reverse("servicerequests:track", args=[graffiti.public_id])).content.decode()
    api = client.get(f"/open311/v2/requests/{graffiti.public_id}.json",
                     {"jurisdiction_id": world.elm.open311_id}).content.decode()
    assert REDACTED in page and "555-0100" not in page
    assert "555-0100" not in api and "[redacted]" in api


def test_it_shows_the_original_to_admins_only_on_the_staff_page(client, world, graffiti):
    seats = seat_people(world)
    login_verified(client, world.bob)
    response = client.post(reverse("staff:redact", args=[graffiti.public_id]),
                           {"text": REDACTED, "reason": "Phone number", "entry": ""}, follow=True)
    assert "Text redacted." in " ".join(str(m) for m in response.context["messages"])
    staff_page = response.content.decode()
    assert "555-0100" not in staff_page and "Show original" not in staff_page
    login_verified(client, seats.admin)
    admin_page = client.get(reverse("staff:detail", args=[graffiti.public_id])).content.decode()
    assert "Show original" in admin_page and "555-0100" in admin_page


def test_it_gives_an_agent_403_and_writes_nothing(client, world, graffiti):
    login_verified(client, seat_people(world).agent)
    before = TimelineEntry.objects.count()
    response = client.post(reverse("staff:redact", args=[graffiti.public_id]), {"text": REDACTED})
    graffiti.refresh_from_db()
    assert response.status_code == 403 and graffiti.description == SECRET
    assert TimelineEntry.objects.count() == before
