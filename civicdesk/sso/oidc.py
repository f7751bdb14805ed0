"""mozilla-django-oidc, set up for CivicDesk: the authorization request, the token exchange and ID token checks.

The library builds the authorization request (state, nonce, PKCE) and
exchanges the code; CivicDesk adds what the library leaves out: the ID token's
audience and issuer are checked, and a nonce is accepted once only.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time

import jwt
import requests
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.crypto import constant_time_compare
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationRequestView

from . import config
from .models import UsedNonce

#: Seconds of clock difference tolerated between CivicDesk and the identity provider.
CLOCK_LEEWAY = 60
#: Used nonces are remembered this long (tasks.forget_old_nonces_task); a token issued longer ago is refused.
NONCE_KEPT_FOR = dt.timedelta(days=2)


class Refused(Exception):
    """A single sign-on refused; `reason` is a code of services.REFUSALS (what the person reads, what the log says)."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(reason)
        self.reason = reason
        self.detail = detail


class RequestView(OIDCAuthenticationRequestView):
    """The redirect to the provider's sign-in page, with state, nonce and PKCE kept in the session."""

    get_settings = staticmethod(config.library_setting)


class Backend(OIDCAuthenticationBackend):
    """The library's backend used for its token exchange and key look-up; never listed in
    AUTHENTICATION_BACKENDS (views.callback signs the person in itself)."""

    get_settings = staticmethod(config.library_setting)

    def _verify_jws(self, payload, key):
        """The ID token's claims once its signature (RS256), audience, issuer, expiry and issue time check out."""
        try:
            return jwt.decode(payload, key, algorithms=["RS256"], audience=self.OIDC_RP_CLIENT_ID,
                              issuer=settings.SSO_OIDC_ISSUER, leeway=CLOCK_LEEWAY,
                              options={"require": ["exp", "iat", "aud", "iss", "sub"]})
        except jwt.InvalidAudienceError as exc:
            raise Refused("wrong_audience", str(exc)) from None
        except jwt.ExpiredSignatureError as exc:
            raise Refused("expired", str(exc)) from None
        except jwt.InvalidSignatureError as exc:
            raise Refused("bad_signature", str(exc)) from None
        except jwt.InvalidIssuerError as exc:
            raise Refused("wrong_issuer", str(exc)) from None
        except jwt.PyJWTError as exc:
            raise Refused("invalid_token", str(exc)) from None

    def verify_id_token(self, token: str, *, nonce: str) -> dict:
        """The claims of a valid ID token answering this sign-in (`nonce` from the session); Refused otherwise.

        Each nonce is accepted once: the same token or nonce arriving again is
        refused as a replay, even in another browser session.
        """
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise Refused("invalid_token", str(exc)) from None
        if header.get("alg") != "RS256":
            raise Refused("invalid_token", f"algorithm {header.get('alg')!r}")
        try:
            key = self.retrieve_matching_jwk(token)
        except requests.RequestException:
            raise  # the key set could not be fetched: the provider is unreachable, not the token bad
        except Exception as exc:  # noqa: BLE001 - a key id the provider does not publish is a bad signature
            raise Refused("bad_signature", str(exc)) from None
        claims = self._verify_jws(token, key)
        if claims["iat"] < time.time() - NONCE_KEPT_FOR.total_seconds():
            raise Refused("expired", "issued too long ago for its nonce to be remembered")
        digest = hashlib.sha256(str(claims.get("nonce", "")).encode()).hexdigest()
        if UsedNonce.objects.filter(digest=digest).exists():
            raise Refused("replayed_nonce")
        if not nonce or not constant_time_compare(str(claims.get("nonce", "")), nonce):
            raise Refused("nonce_mismatch")
        try:
            with transaction.atomic():
                UsedNonce.objects.create(digest=digest)
        except IntegrityError:
            raise Refused("replayed_nonce") from None
        return claims
