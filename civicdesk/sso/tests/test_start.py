"""/sso/start/: the redirect to the provider with state, nonce and PKCE, or a plain refusal when it is down."""

from __future__ import annotations

import socket
from urllib.parse import parse_qs, urlsplit

from django.core.cache import cache

from civicdesk.audit.models import AuditEntry


def test_it_sends_the_browser_to_the_provider_with_state_nonce_and_pkce(client, world, provider):
    response = client.get("/sso/start/", {"next": "/staff/"})
    assert response.status_code == 302
    url = urlsplit(response["Location"])
    query = {name: values[0] for name, values in parse_qs(url.query).items()}
    assert f"{url.scheme}://{url.netloc}{url.path}" == provider.url + "/authorize"
    assert query["client_id"] == provider.client_id and query["response_type"] == "code"
    assert query["redirect_uri"] == "http://testserver/sso/callback/"
    assert query["code_challenge_method"] == "S256" and query["scope"] == "openid email profile"
    states = client.session["oidc_states"]
    assert states[query["state"]]["nonce"] == query["nonce"] and client.session["oidc_login_next"] == "/staff/"


def test_it_refuses_in_words_when_the_provider_cannot_be_reached(client, world, provider, settings):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    settings.SSO_OIDC_ISSUER = f"http://127.0.0.1:{port}"
    cache.clear()
    response = client.get("/sso/start/")
    assert response.status_code == 403
    assert "could not be reached" in response.content.decode()
    assert AuditEntry.objects.get(action="sso.refused").data["reason"] == "provider_unreachable"
