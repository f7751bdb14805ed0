"""Contrast (WCAG 2.x relative luminance) and allowed-origin validation."""

import pytest
from django.core.exceptions import ValidationError

from civicdesk.embed import theme


def test_it_measures_black_on_white_as_21_to_1():
    assert theme.contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert theme.contrast_ratio("#ffffff", "#ffffff") == pytest.approx(1.0)


def test_it_matches_known_ratios():
    # USWDS primary #005ea2 on white is 6.72:1; #777777 on white is the classic 4.47:1 near-miss (WebAIM).
    assert theme.contrast_ratio("#005ea2", "#ffffff") == pytest.approx(6.72, abs=0.01)
    assert theme.contrast_ratio("#777777", "#ffffff") == pytest.approx(4.47, abs=0.01)
    assert theme.format_ratio(4.4999) == "4.49:1"


def test_it_refuses_a_colour_not_written_as_six_hex_digits():
    for bad in ("red", "#fff", "#12345g", "005ea2", ""):
        with pytest.raises(ValidationError):
            theme.validate_hex_colour(bad)
    theme.validate_hex_colour("#A1b2C3")


@pytest.mark.parametrize("value, expected", [
    ("https://www.riverbend.gov", "https://www.riverbend.gov"),
    ("HTTPS://WWW.Riverbend.GOV/", "https://www.riverbend.gov"),
    ("http://127.0.0.1:8001", "http://127.0.0.1:8001"),
    ("http://localhost:8001", "http://localhost:8001"),
    ("https://*.riverbend.gov", "https://*.riverbend.gov"),
])
def test_it_normalises_good_origins(value, expected):
    assert theme.normalise_origin(value) == expected


@pytest.mark.parametrize("value", [
    "www.riverbend.gov", "ftp://riverbend.gov", "https://riverbend.gov/report", "https://riverbend.gov?x=1",
    "https://*", "https://*.gov.*", "https://www.*.gov", "*", "https://user@riverbend.gov", "javascript:alert(1)",
    "https://riverbend.gov:99999", "https://*.gov", "https://bad_host.gov", "'self'", "https://a.gov https://b.gov",
])
def test_it_refuses_bad_origins_in_plain_words(value):
    with pytest.raises(ValidationError) as caught:
        theme.normalise_origin(value)
    assert "https://www.riverbend.gov" in caught.value.messages[0] or "*" in caught.value.messages[0]


def test_it_parses_one_origin_a_line_and_reports_every_bad_line():
    assert theme.parse_origins("https://a.gov\n\nhttps://a.gov/\nhttp://127.0.0.1:8001") == [
        "https://a.gov", "http://127.0.0.1:8001"]
    with pytest.raises(ValidationError) as caught:
        theme.parse_origins("https://a.gov/page\nnot a site\nhttps://ok.gov")
    assert len(caught.value.messages) == 2
