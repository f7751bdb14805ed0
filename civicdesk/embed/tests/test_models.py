"""EmbedSettings: contrast refused on clean(), frame-ancestors, the generated stylesheet."""

import pytest
from django.core.exceptions import ValidationError

from civicdesk.embed.models import EmbedSettings


def test_it_refuses_each_pair_under_4_5_to_1_with_the_ratio(world):
    row = EmbedSettings(jurisdiction=world.elm, text_color="#777777", link_color="#ffff00",
                        primary_color="#ffcc00", text_on_primary_color="#ffffff")
    with pytest.raises(ValidationError) as caught:
        row.full_clean()
    errors = caught.value.message_dict
    assert "4.47:1" in errors["text_color"][0] and "4.50:1" in errors["text_color"][0]
    assert "links" in errors["link_color"][0]
    assert "button text" in errors["text_on_primary_color"][0]


def test_it_accepts_the_defaults_and_normalises_the_allowed_sites(world):
    row = EmbedSettings(jurisdiction=world.elm, allowed_origins=" https://WWW.Elm.gov/ \nhttp://127.0.0.1:8001")
    row.full_clean()
    assert row.origins() == ["https://www.elm.gov", "http://127.0.0.1:8001"]
    assert row.frame_ancestors() == ["'self'", "https://www.elm.gov", "http://127.0.0.1:8001"]


def test_it_refuses_a_logo_that_is_not_https_or_a_path_here(world):
    for bad in ("http://elm.gov/logo.png", "javascript:alert(1)", "//evil.example/logo.png"):
        with pytest.raises(ValidationError) as caught:
            EmbedSettings(jurisdiction=world.elm, logo_url=bad).full_clean()
        assert "logo_url" in caught.value.message_dict
    row = EmbedSettings(jurisdiction=world.elm, logo_url="https://cdn.elm.gov/img/logo.svg")
    row.full_clean()
    assert row.logo_origin() == "https://cdn.elm.gov"
    assert EmbedSettings(jurisdiction=world.elm, logo_url="/static/img/logo.svg").logo_origin() is None


def test_it_writes_only_its_colours_and_font_into_the_stylesheet(world):
    row = EmbedSettings(jurisdiction=world.elm, primary_color="#1a4480", font="georgia")
    css = row.stylesheet()
    assert "background-color: #1a4480" in css and "Georgia" in css
    assert row.stylesheet_etag() != EmbedSettings(jurisdiction=world.elm).stylesheet_etag()
    row.primary_color = "red;} body{display:none"
    with pytest.raises(ValidationError):
        row.stylesheet()
