"""Single sign-on settings: whether it is on, the provider's endpoints (from discovery), and the library's settings."""

from __future__ import annotations

import requests
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured

#: How long the provider's discovery document is reused before it is read again.
DISCOVERY_CACHE_SECONDS = 3600
#: Seconds to wait for the identity provider (discovery, token, keys) before giving up.
PROVIDER_TIMEOUT = 10


def is_enabled() -> bool:
    """True when single sign-on is configured: an issuer and a client id are set."""
    return bool(settings.SSO_OIDC_ISSUER and settings.SSO_OIDC_CLIENT_ID)


def discovery_url() -> str:
    """Where the provider's OpenID configuration is read: the setting, or the issuer's well-known address."""
    return settings.SSO_OIDC_DISCOVERY_URL or settings.SSO_OIDC_ISSUER.rstrip("/") + "/.well-known/openid-configuration"


def endpoints() -> dict[str, str]:
    """The provider's authorization, token and key-set endpoints: those set by hand, the rest from discovery.

    The discovery document is read once an hour (cache). Raises requests'
    exceptions when it cannot be read and an endpoint is missing.
    """
    chosen = {"authorization_endpoint": settings.SSO_OIDC_AUTHORIZATION_ENDPOINT,
              "token_endpoint": settings.SSO_OIDC_TOKEN_ENDPOINT, "jwks_uri": settings.SSO_OIDC_JWKS_ENDPOINT}
    if all(chosen.values()):
        return chosen
    url = discovery_url()
    document = cache.get(f"sso:discovery:{url}")
    if document is None:
        response = requests.get(url, timeout=PROVIDER_TIMEOUT)
        response.raise_for_status()
        document = response.json()
        cache.set(f"sso:discovery:{url}", document, DISCOVERY_CACHE_SECONDS)
    return {name: value or str(document.get(name, "")) for name, value in chosen.items()}


def library_setting(name: str, *default):
    """A mozilla-django-oidc setting (`OIDC_…`), answered from CivicDesk's SSO_OIDC_* settings.

    Raises ImproperlyConfigured for a name with no value and no default, as the library does.
    """
    values = {
        "OIDC_RP_CLIENT_ID": settings.SSO_OIDC_CLIENT_ID,
        "OIDC_RP_CLIENT_SECRET": settings.SSO_OIDC_CLIENT_SECRET,
        "OIDC_RP_SIGN_ALGO": "RS256",
        "OIDC_RP_SCOPES": settings.SSO_OIDC_SCOPES,
        "OIDC_AUTHENTICATION_CALLBACK_URL": "sso:callback",
        "OIDC_USE_NONCE": True,
        "OIDC_USE_PKCE": True,
        "OIDC_TIMEOUT": PROVIDER_TIMEOUT,
        "OIDC_OP_USER_ENDPOINT": "",  # claims come from the signed ID token, never from userinfo
    }
    if name in ("OIDC_OP_AUTHORIZATION_ENDPOINT", "OIDC_OP_TOKEN_ENDPOINT", "OIDC_OP_JWKS_ENDPOINT"):
        key = {"OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint", "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
               "OIDC_OP_JWKS_ENDPOINT": "jwks_uri"}[name]
        return endpoints()[key]
    if name in values:
        return values[name]
    if default:
        return default[0]
    raise ImproperlyConfigured(f"Single sign-on setting {name} is not set")
