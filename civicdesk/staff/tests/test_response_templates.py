"""Response templates: offered by status and kind, filled with the resident's details, edited before sending."""

from __future__ import annotations

import pytest
from django.urls import reverse

from civicdesk.servicerequests import services
from civicdesk.staff.models import ResponseTemplate
from civicdesk.testing.world import IN_WEST_ELM
from civicdesk.testing.auth import login_verified


@pytest.fixture
def pothole(world):
    return services.submit_request(service_type=world.pothole, lat=IN_WEST_ELM[0], long=IN_WEST_ELM[1],
                                   attributes={"depth": "deep"}, contact_name="Rita", language="es")


@pytest.fixture
def fixed(world):
    return ResponseTemplate.objects.create(
        name="Pothole filled", jurisdiction=world.elm, status=world.statuses["fixed"], service_type=world.pothole,
        text={"en": "Hello {name}, {id} is fixed.", "es": "Hola {name}, {id} está resuelta (plazo {due})."})


def test_it_fills_placeholders_in_the_residents_language(world, pothole, fixed):
    text = fixed.render(pothole)
    assert text.startswith(f"Hola Rita, {pothole.public_id} está resuelta (plazo ")
    assert "{due}" not in text


def test_it_leaves_unknown_placeholders_and_stray_braces_as_written(world, pothole):
    odd = ResponseTemplate(name="Odd", text={"en": "Hi {nmae} {"})
    assert odd.render(pothole) == "Hi {nmae} {"
    typo = ResponseTemplate(name="Typo", text={"en": "Hi {nmae}, {id}"})
    pothole.language = "fr"
    assert typo.render(pothole) == f"Hi {{nmae}}, {pothole.public_id}"


def test_it_offers_only_templates_for_the_requests_place_and_kind(world, pothole, fixed):
    ResponseTemplate.objects.create(name="Graffiti only", service_type=world.graffiti, text={"en": "x"})
    ResponseTemplate.objects.create(name="County only", jurisdiction=world.county, text={"en": "x"})
    ResponseTemplate.objects.create(name="Anywhere", text={"en": "x"})
    ResponseTemplate.objects.create(name="Retired", text={"en": "x"}, is_active=False)
    assert sorted(t.name for t in ResponseTemplate.offered_for(pothole)) == ["Anywhere", "Pothole filled"]


def test_it_prefills_the_status_form_from_the_chosen_template(client, world, pothole, fixed):
    login_verified(client, world.bob)
    url = reverse("staff:detail", args=[pothole.public_id])
    form = client.get(url, {"template": fixed.pk}).context["status_form"]
    assert form.initial["status"] == world.statuses["fixed"].pk
    assert form.initial["message"].startswith("Hola Rita")
    assert client.get(url, {"template": "nonsense"}).context["status_form"].initial == {}
