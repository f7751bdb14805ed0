"""The snippets a city pastes: the script form and the plain-iframe fallback."""

import pytest

from civicdesk.embed.snippets import embed_path, snippet, snippets_for


def test_it_maps_each_embeddable_kind_to_its_page():
    assert embed_path("report") == "report/"
    assert embed_path("report:pothole") == "report/pothole/"
    assert embed_path("track") == "requests/"
    assert embed_path("services") == "services/"
    assert embed_path("survey:parks-2026") == "surveys/parks-2026/"
    for bad in ("survey", "track:x", "admin", ""):
        with pytest.raises(ValueError):
            embed_path(bad)


def test_it_writes_the_script_and_the_fallback_with_escaped_values(world):
    item = snippet(world.elm, "report:pothole", 'Pothole "deep"', site_url="https://desk.example.gov/")
    assert item.script == ('<div data-civicdesk-embed="report:pothole" data-jurisdiction="elm"></div>\n'
                           '<script src="https://desk.example.gov/static/embed/civicdesk-embed.js" async></script>')
    assert item.fallback.startswith('<iframe src="https://desk.example.gov/embed/elm/report/pothole/" '
                                    'title="Pothole &quot;deep&quot;, Town of Elm" width="100%" height="900"')
    assert '<a href="https://desk.example.gov/report/pothole/">' in item.fallback


def test_it_offers_every_public_service_type(world):
    found = snippets_for(world.elm, site_url="https://desk.example.gov")
    assert [s.kind for s in found["main"]] == ["report", "track", "services"]
    assert "report:pothole" in {s.kind for s in found["types"]}
    assert "report:records" not in {s.kind for s in found["types"]}  # a private type is not offered
