"""ServiceAttribute.clean_answer(): each Open311 datatype validated in words a resident understands."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from civicdesk.catalog.models import AttributeValue, ServiceAttribute


@pytest.fixture
def make(world):
    def _make(datatype, required=False, values=()):
        attribute = ServiceAttribute.objects.create(service_type=world.graffiti, code=f"q{datatype[:6]}",
                                                    description="The question", datatype=datatype,
                                                    required=required)
        for key in values:
            AttributeValue.objects.create(attribute=attribute, key=key, name=key.title())
        return attribute
    return _make


def test_it_returns_none_for_an_optional_blank_answer(make):
    assert make("string").clean_answer("  ") is None


def test_it_names_the_question_when_a_required_answer_is_missing(make):
    with pytest.raises(ValidationError, match="Please answer “The question”"):
        make("string", required=True).clean_answer("")


def test_it_converts_numbers_and_refuses_words(make):
    attribute = make("number")
    assert attribute.clean_answer("3") == 3 and attribute.clean_answer("2.5") == 2.5
    for bad in ("three", "NaN", "inf"):
        with pytest.raises(ValidationError, match="must be a number"):
            attribute.clean_answer(bad)


def test_it_reads_datetimes(make):
    attribute = make("datetime")
    assert attribute.clean_answer("2026-11-27T10:30:00-06:00") == "2026-11-27T10:30:00-06:00"
    with pytest.raises(ValidationError, match="date and time"):
        attribute.clean_answer("last tuesday")


def test_it_checks_single_and_multi_value_keys(make):
    single = make("singlevaluelist", values=["a", "b"])
    assert single.clean_answer("a") == "a"
    with pytest.raises(ValidationError, match="not one of the choices"):
        single.clean_answer("z")
    with pytest.raises(ValidationError, match="only one answer"):
        single.clean_answer(["a", "b"])
    multi = make("multivaluelist", values=["a", "b"])
    assert multi.clean_answer(["a", "b"]) == ["a", "b"]
    with pytest.raises(ValidationError):
        multi.clean_answer(["a", "z"])


def test_it_limits_text_length(make):
    with pytest.raises(ValidationError, match="too long"):
        make("string").clean_answer("x" * 256)
    assert make("text").clean_answer("x" * 4000)
