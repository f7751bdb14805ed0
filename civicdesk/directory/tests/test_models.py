"""The directory's models: expected time in words, fees in cents, validation, schedules from the database."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from civicdesk.directory.models import (
    DepartmentProfile,
    PermitGuide,
    expected_time,
    validate_fees,
    validate_special_days,
    working_hours_per_day,
)
from civicdesk.jurisdictions.models import Holiday

from .helpers import make_permit, make_profile


@pytest.mark.parametrize("hours, words", [(None, ""), (0, ""), (1, "within 1 business hour"),
                                          (4, "within 4 business hours"), (9, "within about 1 business day"),
                                          (24, "within about 3 business days"), (480, "within about 54 business days")])
def test_it_words_the_sla_target(hours, words):
    assert expected_time(hours, 9.0) == words


def test_it_words_the_sla_target_in_spanish():
    with translation.override("es"):
        assert expected_time(24, 9.0) == "en unos 3 días hábiles"


def test_it_averages_the_working_day():
    assert working_hours_per_day({"mon": ["08:00", "17:00"], "tue": [["08:00", "12:00"]]}) == 6.5
    assert working_hours_per_day({}) == 0.0


def test_it_closes_on_the_jurisdictions_holidays_unless_open_on_them(world):
    Holiday.objects.create(jurisdiction=world.elm, date=dt.date(2026, 12, 7), name="Founders Day")
    profile = make_profile(world.public_works)
    assert profile.schedule().day(dt.date(2026, 12, 7)).is_closed
    profile.open_on_holidays = True
    assert not profile.schedule().day(dt.date(2026, 12, 7)).is_closed


def test_it_falls_back_to_the_jurisdictions_business_hours(world):
    profile = make_profile(world.public_works, hours={})
    assert profile.schedule().day(dt.date(2026, 12, 7)).spans == [(dt.time(8), dt.time(17))]


def test_it_refuses_half_a_place_and_another_jurisdictions_department(world):
    with pytest.raises(ValidationError):
        DepartmentProfile(jurisdiction=world.elm, department=world.sanitation, lat=3.0,
                          summary={"en": "x"}).full_clean()
    with pytest.raises(ValidationError):
        DepartmentProfile(jurisdiction=world.elm, department=world.roads, summary={"en": "x"}).full_clean()


@pytest.mark.parametrize("days", [{"date": "2026-12-24"}, [{"hours": []}], [{"date": "Christmas"}],
                                  [{"date": "2026-12-24", "hours": [["12:00", "08:00"]]}],
                                  [{"date": "2026-12-24"}, {"date": "2026-12-24"}]])
def test_it_refuses_days_with_other_hours_a_person_got_wrong(days):
    with pytest.raises(ValidationError):
        validate_special_days(days)


def test_it_gives_a_special_day_its_own_hours_over_a_holiday(world):
    Holiday.objects.create(jurisdiction=world.elm, date=dt.date(2026, 12, 24), name="Christmas Eve")
    profile = make_profile(world.public_works, special_days=[
        {"date": "2026-12-24", "hours": [["08:00", "12:00"]], "note": {"en": "Half day", "es": "Medio día"}}])
    day = profile.schedule().day(dt.date(2026, 12, 24))
    assert day.spans == [(dt.time(8), dt.time(12))] and day.note == "Half day"


@pytest.mark.parametrize("fees", [{"amount_cents": 1}, [{"amount_cents": 12.5, "covers": {"en": "x"}}],
                                  [{"amount_cents": -1, "covers": {"en": "x"}}],
                                  [{"amount_cents": 100, "currency": "dollars", "covers": {"en": "x"}}],
                                  [{"amount_cents": 100, "covers": {}}],
                                  [{"amount_cents": 100, "covers": {"en": "x"}, "unit": "fortnight"}]])
def test_it_refuses_fees_that_are_not_whole_cents_with_a_currency_and_a_purpose(fees):
    with pytest.raises(ValidationError):
        validate_fees(fees)


def test_it_says_what_a_fee_is_charged_per(world):
    validate_fees([{"amount_cents": 100, "covers": {"en": "x"}, "unit": "year"}])
    guide = make_permit(world, fees=[{"amount_cents": 1250, "currency": "USD", "covers": {"en": "Tag"},
                                      "unit": "year"}, {"amount_cents": 500, "currency": "EUR", "covers": {"en": "x"}}])
    yearly, once = guide.fee_lines()
    assert (yearly.display_amount(), yearly.unit_text()) == ("$12.50", "per year")
    assert (once.display_amount(), once.unit_text()) == ("5.00 EUR", "")


def test_it_refuses_a_permit_with_another_jurisdictions_department_or_a_bad_slug(world):
    with pytest.raises(ValidationError):
        PermitGuide(jurisdiction=world.elm, slug="x", title={"en": "X"}, department=world.roads).full_clean()
    with pytest.raises(ValidationError):
        PermitGuide(jurisdiction=world.elm, slug="Fence Permit", title={"en": "X"}).full_clean()


def test_it_reads_lists_one_per_line_and_falls_back_to_english(world):
    guide = make_permit(world, title={"en": "Fence permit"}, requirements={"en": "- A plan\n\n* Your signature"})
    with translation.override("es"):
        title = guide.text("title")
        assert title.text == "Fence permit" and title.is_fallback and title.language == "en"
        assert guide.requirement_lines() == ["A plan", "Your signature"]
