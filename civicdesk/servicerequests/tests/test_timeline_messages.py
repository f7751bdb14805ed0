"""System timeline entries are worded in the reader's language, whatever language was active when written."""

from __future__ import annotations

import importlib

from django.apps import apps
from django.urls import reverse
from django.utils import translation

from civicdesk.servicerequests import services
from civicdesk.servicerequests.models import TimelineEntry
from civicdesk.testing.world import IN_EAST_ELM


def report_in_spanish(world):
    """A resident browsing in Spanish reports a pothole: "Solicitud recibida (vía Web)." is what was stored."""
    with translation.override("es"):
        return services.submit_request(service_type=world.pothole, lat=IN_EAST_ELM[0], long=IN_EAST_ELM[1],
                                       attributes={"depth": "deep"}, channel="web")


def history(client, request, language: str) -> str:
    html = client.get(reverse("servicerequests:track", args=[request.public_id]),
                      HTTP_ACCEPT_LANGUAGE=language).content.decode()
    return html.split('class="cd-timeline"')[1].split("</ol>")[0]


def test_it_shows_a_spanish_written_entry_in_english_to_an_english_reader(client, world):
    request = report_in_spanish(world)
    entry = request.timeline.get(kind=TimelineEntry.Kind.SUBMITTED)
    assert entry.message == "Solicitud recibida (vía Web)."
    assert "Request received via Web." in history(client, request, "en")
    assert "Solicitud recibida" not in history(client, request, "en")


def test_it_shows_an_english_written_entry_in_spanish_to_a_spanish_reader(client, world):
    request = services.submit_request(service_type=world.pothole, lat=IN_EAST_ELM[0], long=IN_EAST_ELM[1],
                                      attributes={"depth": "deep"}, channel="phone")
    services.support(request, session_key="neighbour-session-1")
    spanish = history(client, request, "es")
    assert "Solicitud recibida (vía Teléfono)." in spanish
    assert "Otro residente también reportó este problema." in spanish
    assert "Request received" not in spanish and "Another resident" not in spanish


def test_it_shows_what_staff_wrote_as_written(client, world):
    request = report_in_spanish(world)
    services.transition(request, world.statuses["acknowledged"], user=world.bob,
                        message="We will fill it on Tuesday.")
    assert "We will fill it on Tuesday." in history(client, request, "es")


def test_it_keeps_an_entry_with_an_unknown_code_readable(world):
    request = report_in_spanish(world)
    entry = TimelineEntry.objects.create(request=request, kind=TimelineEntry.Kind.INTERNAL_NOTE,
                                         message="Checked by the night crew.", message_code="from-a-newer-version")
    assert entry.display_message() == "Checked by the night crew."


def test_it_gives_old_rows_their_code_so_they_follow_the_reader_too(world):
    request = report_in_spanish(world)
    TimelineEntry.objects.filter(request=request).update(message_code="", message_params={})
    TimelineEntry.objects.create(request=request, kind=TimelineEntry.Kind.SUPPORTED, is_public=True,
                                 message="Another resident reported this problem too.")
    migration = importlib.import_module("civicdesk.servicerequests.migrations.0008_timeline_message_codes")
    migration.code_old_system_entries(apps, None)
    submitted = request.timeline.get(kind=TimelineEntry.Kind.SUBMITTED)
    supported = request.timeline.get(kind=TimelineEntry.Kind.SUPPORTED)
    assert (submitted.message_code, supported.message_code) == ("received_via", "supported")
    with translation.override("en"):
        assert submitted.display_message() == "Request received via Web."
    with translation.override("es"):
        assert supported.display_message() == "Otro residente también reportó este problema."
