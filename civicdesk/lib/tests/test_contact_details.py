"""Finding and masking contact details in free text, on descriptions as residents really write them."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.utils import translation

from civicdesk.lib.contact_details import default_region, find_contact_details, mask_contact_details

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "contact_details_samples.txt"


def _samples(marker: str) -> list:
    rows = []
    for line in SAMPLES.read_text(encoding="utf-8").splitlines():
        if line.startswith(f"{marker} "):
            text = line[2:]
            rows.append(tuple(text.split(" => ")) if marker == "+" else text)
    return rows


@pytest.mark.parametrize("text", _samples("-"))
def test_it_leaves_text_without_contact_details_alone(text):
    assert find_contact_details(text, "US") == []
    assert mask_contact_details(text, region="US") == text


@pytest.mark.parametrize(("text", "masked"), _samples("+"))
def test_it_masks_every_email_and_phone_number(text, masked):
    assert mask_contact_details(text, region="US") == masked


def test_it_ships_enough_samples_of_both_kinds():
    assert len(_samples("-")) >= 20 and len(_samples("+")) >= 10


def test_it_says_removed_in_the_readers_language():
    with translation.override("es"):
        assert mask_contact_details("call 217-555-0148 or ana@example.org", region="US") == \
            "call [teléfono eliminado] or [correo eliminado]"


def test_it_keeps_the_citys_own_published_number_and_address():
    text = "Call 311 at (217) 555-0100 or write to help@riverbend.example.gov, not me at 217-555-0148"
    assert mask_contact_details(text, keep=["217-555-0100", "HELP@riverbend.example.gov"], region="US") == \
        "Call 311 at (217) 555-0100 or write to help@riverbend.example.gov, not me at [phone removed]"


def test_it_reads_local_numbers_in_the_phone_region(settings):
    settings.PHONE_REGION = "GB"
    assert default_region() == "GB"
    assert [d.key for d in find_contact_details("ring 07700 900123")] == ["+447700900123"]
