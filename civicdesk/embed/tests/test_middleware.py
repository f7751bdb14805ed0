"""Pages under /embed/<jurisdiction>/: frame-ancestors per jurisdiction, no X-Frame-Options, the flow kept
embedded, cookies of its own, the origin check instead of the CSRF cookie."""

from __future__ import annotations

import pytest

from civicdesk.embed.middleware import COOKIE_PREFIX
from civicdesk.embed.models import EmbedSettings
from civicdesk.intake.tests.test_details import report as intake_report
from civicdesk.servicerequests.models import ServiceRequest
from civicdesk.testing.world import IN_WEST_ELM

ORIGIN = "http://testserver"


@pytest.fixture
def elm_embed(world):
    return EmbedSettings.objects.create(jurisdiction=world.elm,
                                        allowed_origins="https://www.elm.gov\nhttps://*.elm-county.gov")


def frame_ancestors(response) -> str:
    policy = response["Content-Security-Policy"]
    return next(part.strip() for part in policy.split(";") if part.strip().startswith("frame-ancestors"))


def report(**overrides) -> dict:
    """The intake tests' valid pothole report, with contact details."""
    return intake_report(**{"name": "Zed Quillfeather", "email": "zed@example.org", **overrides})


def test_it_lets_the_allowed_sites_frame_an_embedded_page(client, elm_embed):
    response = client.get("/embed/elm/report/")
    assert response.status_code == 200
    assert frame_ancestors(response) == "frame-ancestors 'self' https://www.elm.gov https://*.elm-county.gov"
    assert "X-Frame-Options" not in response
    page = response.content.decode()
    assert 'class="cd-embed-body"' in page and 'class="cd-header"' not in page
    assert "/embed/elm/theme.css" in page and 'href="#main-content"' in page
    assert 'href="/embed/elm/report/pothole/"' in page  # links stay embedded


def test_it_keeps_every_other_page_unframeable(client, elm_embed):
    for path in ("/report/", "/requests/", "/services/", "/embed/elm/theme.css"):
        response = client.get(path)
        assert frame_ancestors(response) == "frame-ancestors 'none'", path
        assert response["X-Frame-Options"] == "DENY", path


def test_it_lets_only_civicdesk_frame_a_jurisdiction_without_allowed_sites(client, world):
    response = client.get("/embed/maple/requests/")
    assert response.status_code == 200
    assert frame_ancestors(response) == "frame-ancestors 'self'"
    assert "X-Frame-Options" not in response


def test_it_404s_for_an_unknown_jurisdiction_or_language(client, world):
    assert client.get("/embed/nowhere/report/").status_code == 404
    assert client.get("/embed/elm/xx/report/").status_code == 404


def test_it_sends_a_page_that_is_not_embeddable_to_the_full_site(client, elm_embed):
    response = client.get("/embed/elm/account/login/")
    page = response.content.decode()
    assert response.status_code == 200 and 'href="/account/login/"' in page and 'target="_blank"' in page
    assert 'name="password"' not in page


def test_it_speaks_the_language_of_the_prefix(client, elm_embed):
    page = client.get("/embed/elm/es/report/").content.decode()
    assert 'lang="es"' in page and 'href="/embed/elm/es/report/pothole/"' in page
    page = client.get("/embed/elm/ar/report/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert 'lang="ar" dir="rtl"' in page and "rtl.css" in page and 'href="/embed/elm/ar/report/pothole/"' in page


def test_it_files_a_report_inside_the_frame_and_confirms_it_there(client, elm_embed):
    client.cookies["sessionid"] = "main-site-session-not-read-here"
    response = client.get("/embed/elm/report/pothole/", {"lat": IN_WEST_ELM[0], "long": IN_WEST_ELM[1]})
    assert response.status_code == 302 and response["Location"].startswith("/embed/elm/report/pothole/details/?")
    response = client.post("/embed/elm/report/pothole/details/", report(), HTTP_ORIGIN=ORIGIN)
    saved = ServiceRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"].startswith(f"/embed/elm/requests/{saved.public_id}/?thanks=")
    cookie = response.cookies[COOKIE_PREFIX + "sessionid"]
    assert cookie["path"] == "/embed/" and cookie["httponly"] and cookie["samesite"] == "Lax"
    assert "sessionid" not in response.cookies and "csrftoken" not in response.cookies
    client.cookies.clear()  # a browser that refuses third-party cookies still sees the confirmation
    page = client.get(response["Location"]).content.decode()
    assert "Thank you, we have your request" in page and saved.public_id in page
    assert "X-Frame-Options" not in response


def test_it_refuses_a_post_from_another_site_or_without_an_origin(client, elm_embed):
    for headers in ({}, {"HTTP_ORIGIN": "https://www.elm.gov"}, {"HTTP_ORIGIN": "null"},
                    {"HTTP_ORIGIN": ORIGIN, "HTTP_SEC_FETCH_SITE": "cross-site"}):
        response = client.post("/embed/elm/report/pothole/details/", report(), **headers)
        assert response.status_code == 403, headers
        assert "X-Frame-Options" not in response
    assert not ServiceRequest.objects.exists()


def test_it_never_reads_the_main_sites_signed_in_session(client, elm_embed, world):
    client.force_login(world.alice)
    page = client.get("/embed/elm/report/pothole/details/").content.decode()
    assert world.alice.email not in page


def test_it_counts_embedded_reports_against_the_same_limits(client, elm_embed, settings):
    settings.REPORTS_PER_CLIENT_PER_HOUR = 1
    assert client.post("/embed/elm/report/pothole/details/", report(), HTTP_ORIGIN=ORIGIN).status_code == 302
    response = client.post("/embed/elm/report/pothole/details/", report(), HTTP_ORIGIN=ORIGIN)
    assert response.status_code == 429 and ServiceRequest.objects.count() == 1


def test_it_adds_an_https_logos_site_to_the_images_allowed(client, elm_embed):
    elm_embed.logo_url = "https://cdn.elm.gov/logo.svg"
    elm_embed.save()
    response = client.get("/embed/elm/services/")
    img_src = next(p for p in response["Content-Security-Policy"].split(";") if p.strip().startswith("img-src"))
    assert "https://cdn.elm.gov" in img_src
    assert 'src="https://cdn.elm.gov/logo.svg"' in response.content.decode()


def test_it_tells_the_frame_script_which_sites_may_hear_its_height(client, elm_embed):
    page = client.get("/embed/elm/requests/").content.decode()
    assert 'data-parent-origins="https://www.elm.gov https://*.elm-county.gov"' in page
    assert "/static/embed/frame.js" in page
