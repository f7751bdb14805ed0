"""The directory's models: expected time in words, fees in cents, validation, schedules from the database."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from civicdesk.directory.models import (DepartmentProfile, HoursException, PermitGuide, expected_time,
                                        working_hours_per_day)
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


def test_it_refuses_half_a_place_and_half_an_exception(world):
    with pytest.raises(ValidationError):
        DepartmentProfile(department=world.sanitation, lat=3.0).full_clean()
    profile = make_profile(world.public_works)
    with pytest.raises(ValidationError):
        HoursException(profile=profile, date=dt.date(2026, 12, 7), opens=dt.time(9)).full_clean()
    with pytest.raises(ValidationError):
        HoursException(profile=profile, date=dt.date(2026, 12, 7), opens=dt.time(9), closes=dt.time(8)).full_clean()


def test_it_refuses_a_permit_without_title_or_with_another_jurisdictions_department(world):
    with pytest.raises(ValidationError):
        PermitGuide(jurisdiction=world.elm, slug="x", title={}).full_clean()
    with pytest.raises(ValidationError):
        PermitGuide(jurisdiction=world.elm, slug="x", title={"en": "X"}, department=world.roads).full_clean()
    with pytest.raises(ValidationError):
        PermitGuide(jurisdiction=world.elm, slug="x", title={"en": "X"}, requirements={"en": "not a list"}).full_clean()


def test_it_falls_back_to_english_for_a_missing_translation(world):
    guide = make_permit(world, title={"en": "Fence permit"}, requirements={"en": ["A plan"], "es": []})
    with translation.override("es"):
        title = guide.title_in()
        assert title.text == "Fence permit" and title.fallback and title.language == "en"
        assert guide.requirement_lines() == ["A plan"]
