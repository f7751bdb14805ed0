"""The emergency guard: reports that read like emergencies are stopped with "call 911"."""

from __future__ import annotations

import pytest

from civicdesk.servicerequests import services
from civicdesk.servicerequests.models import ServiceRequest, TimelineEntry
from civicdesk.testing.world import IN_EAST_ELM
from civicdesk.triage.models import EmergencyPhrase, EmergencyWordVariant
from civicdesk.triage.services import emergency_phrases_in, load_emergency_phrases


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


# --- forgiving matching with the starting set, and the triage flag --------------------------------------

def _submit(world, description, **extra):
    return services.submit_request(service_type=world.graffiti, lat=IN_EAST_ELM[0], long=IN_EAST_ELM[1],
                                   description=description, **extra)


@pytest.mark.parametrize("description", ["smells like gas near the meter", "natural gas odor by the school",
                                         "the power line is down and sparking", "gasleak", "huele a gas"])
def test_it_stops_the_forms_residents_really_write(world, description):
    load_emergency_phrases()
    with pytest.raises(services.EmergencyReported):
        _submit(world, description)
    assert ServiceRequest.objects.count() == 0


def test_it_flags_a_confirmed_report_that_still_matches_and_notes_it_for_staff(world):
    load_emergency_phrases()
    request = _submit(world, "smells like gas near the meter", not_emergency=True)
    assert request.possible_emergency is True
    note = request.timeline.get(kind=TimelineEntry.Kind.INTERNAL_NOTE)
    assert note.is_public is False
    assert "confirmed it is not an emergency" in note.message and "“gas odor”" in note.message
    assert note.data == {"possible_emergency": ["gas odor"], "confirmed_not_emergency": True}


def test_it_accepts_a_loose_match_but_flags_it(world):
    load_emergency_phrases()
    request = _submit(world, "man lying there unconcious next to the wall")
    assert request.possible_emergency is True
    note = request.timeline.get(kind=TimelineEntry.Kind.INTERNAL_NOTE)
    assert "loosely matches “unconscious”" in note.message


def test_it_leaves_ordinary_reports_unflagged(world):
    load_emergency_phrases()
    request = _submit(world, "graffiti says FIRE on the bridge next to the fire hydrant")
    assert request.possible_emergency is False
    assert not request.timeline.filter(kind=TimelineEntry.Kind.INTERNAL_NOTE).exists()


def test_it_matches_the_variants_the_city_adds_in_the_admin(world):
    assert emergency_phrases_in("a car is on its roof and the driver is hurt") == []
    EmergencyPhrase.objects.create(phrase="car flipped", window=3)
    EmergencyWordVariant.objects.create(word="flipped", variants="on its roof, overturned, volcado")
    assert emergency_phrases_in("a car is on its roof and the driver is hurt") == ["car flipped"]
    assert emergency_phrases_in("overturned car") == ["car flipped"]
