"""The staff page: jurisdiction administrators edit the theme and allowed sites (audit-logged), copy snippets."""

from __future__ import annotations

import pytest

from civicdesk.audit.models import AuditEntry
from civicdesk.embed.models import EmbedSettings
from civicdesk.jurisdictions.models import StaffMembership
from civicdesk.testing.auth import login_verified


@pytest.fixture
def admin(world):
    StaffMembership.objects.create(user=world.bob, jurisdiction=world.elm, role=StaffMembership.Role.ADMIN)
    return world.bob


def form(**overrides) -> dict:
    data = {"primary_color": "#1a4480", "text_on_primary_color": "#ffffff", "link_color": "#005ea2",
            "text_color": "#1b1b1b", "background_color": "#ffffff", "font": "system", "logo_url": "",
            "allowed_origins": "https://www.elm.gov"}
    data.update(overrides)
    return data


def test_it_refuses_staff_who_do_not_administer_a_jurisdiction(client, world):
    login_verified(client, world.carol)
    assert client.get("/staff/embed/").status_code == 403
    assert client.get("/staff/embed/elm/").status_code == 403


def test_it_hides_a_jurisdiction_the_admin_does_not_administer(client, admin):
    login_verified(client, admin)
    assert client.get("/staff/embed/maple/").status_code == 404
    assert client.post("/staff/embed/maple/", form()).status_code == 404
    assert not EmbedSettings.objects.exists()


def test_it_takes_a_single_jurisdictions_admin_straight_to_its_page(client, admin):
    login_verified(client, admin)
    response = client.get("/staff/embed/")
    assert response.status_code == 302 and response["Location"] == "/staff/embed/elm/"


def test_it_saves_the_theme_and_sites_and_logs_what_changed(client, admin, world):
    login_verified(client, admin)
    response = client.post("/staff/embed/elm/", form(allowed_origins="https://WWW.elm.gov/\nhttp://127.0.0.1:8001"))
    assert response.status_code == 302
    saved = EmbedSettings.objects.get(jurisdiction=world.elm)
    assert saved.origins() == ["https://www.elm.gov", "http://127.0.0.1:8001"] and saved.font == "system"
    entry = AuditEntry.objects.get(action="embed.settings_changed")
    assert entry.actor == admin and entry.jurisdiction_id == world.elm.pk
    assert entry.data["changes"]["primary_color"] == ["", "#1a4480"]
    client.post("/staff/embed/elm/", form(allowed_origins="https://www.elm.gov\nhttp://127.0.0.1:8001"))
    assert AuditEntry.objects.filter(action="embed.settings_changed").count() == 1  # nothing changed


def test_it_refuses_unreadable_colours_and_bad_sites_in_plain_words(client, admin, world):
    login_verified(client, admin)
    response = client.post("/staff/embed/elm/", form(text_on_primary_color="#ffff00", primary_color="#ffffff",
                                                       allowed_origins="https://www.elm.gov/report"))
    page = response.content.decode()
    assert response.status_code == 400 and "1.07:1" in page and "without a page path" in page
    assert not EmbedSettings.objects.exists() and not AuditEntry.objects.filter(action__startswith="embed").exists()


def test_it_shows_the_snippets_and_a_live_preview(client, admin, world):
    login_verified(client, admin)
    response = client.get("/staff/embed/elm/")
    page = response.content.decode()
    assert 'data-civicdesk-embed=&quot;report&quot; data-jurisdiction=&quot;elm&quot;' in page
    assert "/static/embed/civicdesk-embed.js" in page and '<div data-civicdesk-embed' not in page  # text, not HTML
    assert "data-civicdesk-embed=&quot;report:pothole&quot;" in page
    assert "&lt;iframe src=&quot;http://127.0.0.1:8000/embed/elm/requests/&quot;" in page or "/embed/elm/requests/" in page
    assert 'src="/embed/elm/report/"' in page and 'data-testid="embed-preview"' in page
    assert response["X-Frame-Options"] == "DENY"


def test_it_escapes_script_typed_as_a_logo_address(client, admin):
    login_verified(client, admin)
    response = client.post("/staff/embed/elm/", form(logo_url='"><script>alert("quillcanary")</script>'))
    page = response.content.decode()
    assert response.status_code == 400 and '<script>alert("quillcanary")' not in page


def test_it_escapes_script_typed_as_an_allowed_site(client, admin):
    login_verified(client, admin)
    response = client.post("/staff/embed/elm/", form(allowed_origins='<script>alert("zaffrecanary")</script>'))
    page = response.content.decode()
    assert response.status_code == 400 and '<script>alert("zaffrecanary")' not in page
    assert "&lt;script&gt;alert(&quot;zaffrecanary&quot;)" in page
