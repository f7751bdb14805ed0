"""/services/permits/<slug>/: what needs the permit, requirements, fees, processing time, how to apply."""

from __future__ import annotations

from django.utils import translation

from civicdesk.directory.models import Fee

from .helpers import CANARY, make_permit


def test_it_shows_requirements_fees_time_steps_and_the_department(client, world):
    make_permit(world)
    page = client.get("/services/permits/fence-permit/").content.decode()
    assert "<li>A site plan</li>" in page and "<li>The fence height</li>" in page
    assert "Permit and plan review" in page and "$50.00" in page and "$25.50" in page
    assert "About 5 business days after a complete application." in page
    assert "Apply online" in page and 'href="https://elm.example.gov/fence"' in page
    assert 'href="/departments/elm/public-works/"' in page


def test_it_shows_each_currency_with_its_code(world):
    assert Fee(123456, "EUR", {"en": "x"}).display_amount() == "1,234.56 EUR"
    assert Fee(5, "USD", {"en": "x"}).display_amount() == "$0.05"


def test_it_reads_the_spanish_text(client, world):
    make_permit(world)
    with translation.override("es"):
        page = client.get("/services/permits/fence-permit/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Permiso para cercas" in page and "<li>Un plano</li>" in page and "Inspección final" in page


def test_it_answers_404_for_an_unpublished_guide(client, world):
    make_permit(world, status="draft")
    assert client.get("/services/permits/fence-permit/").status_code == 404


def test_it_shows_script_in_every_field_as_text(client, world):
    make_permit(world, title={"en": CANARY}, summary={"en": CANARY}, requirements={"en": CANARY},
                apply_steps={"en": CANARY}, processing_note={"en": CANARY},
                fees=[{"amount_cents": 1, "currency": "USD", "covers": {"en": CANARY}}])
    page = client.get("/services/permits/fence-permit/").content.decode()
    assert "<script>alert('zebrafinch')" not in page and "<b>zebrafinch" not in page
    assert page.count("zebrafinch") >= 6
