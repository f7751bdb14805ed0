"""Fixtures for single sign-on tests: the stand-in provider, settings pointing at it, a sign-in through it."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
import requests
from django.core.cache import cache

from .provider import Provider


@pytest.fixture(scope="session")
def provider_server():
    server = Provider().start()
    yield server
    server.stop()


@pytest.fixture
def provider(provider_server, settings):
    """The stand-in, reset, with CivicDesk configured to trust it (discovery read from it)."""
    provider_server.reset()
    settings.SSO_OIDC_PROVIDER_NAME = "Elm Directory"
    settings.SSO_OIDC_ISSUER = provider_server.url
    settings.SSO_OIDC_CLIENT_ID = provider_server.client_id
    settings.SSO_OIDC_CLIENT_SECRET = provider_server.client_secret
    settings.SSO_CREATE_ACCOUNTS = False
    cache.clear()
    return provider_server


def person(sub: str, email: str, *groups: str, verified: bool = True) -> dict:
    """ID token claims for someone at the provider."""
    return {"sub": sub, "email": email, "email_verified": verified, "groups": list(groups),
            "given_name": "Pat", "family_name": "Example"}


def sign_in(client, provider, **query):
    """The real redirect flow: CivicDesk → the stand-in's authorization endpoint → back to the callback.

    Returns the callback's response (Django's test client cannot follow a redirect to another server, so the
    hop to the stand-in is an HTTP request of its own).
    """
    start = client.get("/sso/start/", query)
    assert start.status_code == 302, start.status_code
    assert start["Location"].startswith(provider.url + "/authorize?")
    answer = requests.get(start["Location"], allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    back = urlsplit(answer.headers["Location"])
    assert back.path == "/sso/callback/"
    return client.get(back.path + "?" + back.query)
