"""Error pages speak to residents and point them somewhere useful."""

from __future__ import annotations

from django.template.loader import render_to_string


def test_it_shows_a_helpful_not_found_page(client, world):
    response = client.get("/report/no-such-thing/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "We could not find that page" in body and 'href="/report/"' in body


def test_it_renders_the_server_error_page_without_a_request_context():
    body = render_to_string("500.html")
    assert "Something went wrong on our side" in body and "911" in body
