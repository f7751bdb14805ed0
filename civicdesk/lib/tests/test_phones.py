"""civicdesk.lib.phones: numbers as residents type them, stored as E.164; numbers the city must never text."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from django.test import override_settings

from civicdesk.lib import phones

DATA = Path(__file__).resolve().parent.parent / "data"


def _rows(name: str) -> list[dict]:
    with open(DATA / name, encoding="utf-8") as handle:
        return list(csv.DictReader(line for line in handle if not line.startswith("#")))


FORMATS = _rows("phone_formats.csv")
REFUSED = _rows("sms_refused_numbers.csv")


@pytest.mark.parametrize("row", FORMATS, ids=[r["typed"] for r in FORMATS])
def test_it_stores_every_typed_form_as_the_city_expects(row):
    if row["stored"]:
        assert phones.normalise(row["typed"]) == row["stored"]
    else:
        with pytest.raises(phones.PhoneError) as exc:
            phones.normalise(row["typed"])
        assert str(exc.value).startswith(("Enter", "That"))


@pytest.mark.parametrize("row", REFUSED, ids=[r["number"] for r in REFUSED])
def test_it_refuses_to_text_premium_satellite_and_foreign_numbers(row):
    refusal = phones.sms_refusal(row["number"], regions={"US"})
    assert refusal is not None and refusal.code == row["reason"]
    assert refusal.message


def test_it_texts_ordinary_home_numbers():
    for typed in ("217-555-0142", "(217) 555-0142", "+1 217 555 0142", "1-217-555-0142"):
        assert phones.is_sms_allowed(typed, regions={"US"})
        assert phones.sms_number(typed) == "+12175550142"


def test_it_refuses_a_hundred_thousand_digits_without_parsing_them():
    with pytest.raises(phones.PhoneError, match="too long"):
        phones.normalise("2" * 100_000)


def test_it_allows_another_country_once_the_city_lists_it():
    assert not phones.is_sms_allowed("+44 7400 123456", regions={"US"})
    assert phones.is_sms_allowed("+44 7400 123456", regions={"US", "GB"})
    with override_settings(SMS_ALLOWED_COUNTRIES=["US", "GB"]):
        assert phones.is_sms_allowed("+44 7400 123456")


def test_it_reads_numbers_in_the_configured_region():
    with override_settings(PHONE_REGION="GB"):
        assert phones.normalise("07400 123456") == "+447400123456"
        assert phones.for_display("+447400123456") == "07400 123456"
    assert phones.for_display("+12175550142") == "(217) 555-0142"
    assert phones.for_display("+447911123456") == "+44 7911 123456"


def test_it_finds_both_the_typed_and_the_stored_form_for_searches():
    assert phones.search_forms("(217) 555-0142") == ["(217) 555-0142", "+12175550142"]
    assert phones.search_forms("not a number") == ["not a number"]
    assert phones.normalise_or_keep("not a number") == "not a number"
