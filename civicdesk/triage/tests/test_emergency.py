"""The emergency guard: reports that read like emergencies are stopped with "call 911"."""

from __future__ import annotations

import pytest

from civicdesk.servicerequests import services
from civicdesk.servicerequests.models import ServiceRequest
from civicdesk.testing.world import IN_EAST_ELM
from civicdesk.triage.models import EmergencyPhrase
from civicdesk.triage.services import emergency_phrases_in


def test_it_finds_phrases_as_whole_words_ignoring_case_and_accents(world):
    assert emergency_phrases_in("I can smell a GAS LEAK here") == ["gas leak"]
    assert emergency_phrases_in("Hay una fuga de gas") == ["fuga de gas"]
    assert emergency_phrases_in("The fireplace shop sign is broken") == []
    EmergencyPhrase.objects.create(phrase="herido")
    assert emergency_phrases_in("Un hombre HERÍDO".replace("Í", "I")) == ["herido"]


def test_it_ignores_inactive_phrases(world):
    EmergencyPhrase.objects.filter(phrase="fire").update(is_active=False)
    assert emergency_phrases_in("there is a fire") == []


def test_it_stops_the_submission_and_saves_nothing(world):
    with pytest.raises(services.EmergencyReported) as exc:
        services.submit_request(service_type=world.graffiti, lat=IN_EAST_ELM[0], long=IN_EAST_ELM[1],
                                description="Live wire down across the sidewalk")
    assert exc.value.phrases == ["live wire"]
    assert "Call 911 now" in exc.value.errors["description"][0]
    assert ServiceRequest.objects.count() == 0


def test_it_uses_the_jurisdictions_emergency_number(world):
    world.elm.emergency_number = "112"
    world.elm.save()
    with pytest.raises(services.EmergencyReported) as exc:
        services.submit_request(service_type=world.graffiti, lat=IN_EAST_ELM[0], long=IN_EAST_ELM[1],
                                description="fire in the bin")
    assert exc.value.number == "112"


def test_it_checks_the_category_name_and_answers_too(world):
    world.graffiti.name = "Gas leak smell (outdoor)"
    world.graffiti.save()
    with pytest.raises(services.EmergencyReported):
        services.submit_request(service_type=world.graffiti, lat=IN_EAST_ELM[0], long=IN_EAST_ELM[1])


def test_it_accepts_the_report_once_the_resident_confirms_it_is_not_an_emergency(world):
    request = services.submit_request(service_type=world.graffiti, lat=IN_EAST_ELM[0], long=IN_EAST_ELM[1],
                                      description="Graffiti says fire", not_emergency=True)
    assert request.pk
