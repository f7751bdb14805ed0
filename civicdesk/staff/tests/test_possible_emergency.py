"""Staff see the triage flag of a report accepted although it reads like an emergency: queue, detail, timeline."""

from __future__ import annotations

from django.urls import reverse

from civicdesk.servicerequests import services
from civicdesk.testing.auth import login_verified
from civicdesk.testing.world import IN_EAST_ELM
from civicdesk.triage.services import load_emergency_phrases


def submit(world, description, **extra):
    return services.submit_request(service_type=world.graffiti, lat=IN_EAST_ELM[0], long=IN_EAST_ELM[1],
                                   description=description, **extra)


def test_it_flags_the_request_in_the_queue_and_on_its_page(client, world):
    load_emergency_phrases()
    flagged = submit(world, "there is smoke coming out of the wall next to the tag", not_emergency=True)
    plain = submit(world, "blue tag on the wall")
    login_verified(client, world.bob)
    queue = client.get(reverse("staff:queues"), {"queue": "all"}).content.decode()
    row_flagged = queue.split(flagged.public_id, 1)[1].split("</tr>", 1)[0]
    row_plain = queue.split(plain.public_id, 1)[1].split("</tr>", 1)[0]
    assert 'data-testid="possible-emergency"' in row_flagged and "Possible emergency" in row_flagged
    assert "possible-emergency" not in row_plain

    detail = client.get(reverse("staff:detail", args=[flagged.public_id])).content.decode()
    assert 'data-testid="possible-emergency"' in detail
    assert "the reporter confirmed it is not an emergency, but the report matches “smoke coming out”" in detail
    assert 'data-testid="possible-emergency"' not in client.get(
        reverse("staff:detail", args=[plain.public_id])).content.decode()


def test_it_never_shows_the_flag_or_its_note_to_the_public(client, world):
    load_emergency_phrases()
    flagged = submit(world, "there is smoke coming out of the wall next to the tag", not_emergency=True)
    public = client.get(flagged.get_absolute_url()).content.decode()
    assert "Possible emergency" not in public and "smoke coming out”" not in public


def test_it_shows_the_residents_phone_as_a_link_to_staff(client, world):
    request = submit(world, "blue tag on the wall", contact_phone="(217) 555-0142")
    login_verified(client, world.bob)
    detail = client.get(reverse("staff:detail", args=[request.public_id])).content.decode()
    assert '<a class="usa-link cd-tel" href="tel:+12175550142">(217) 555-0142</a>' in detail
