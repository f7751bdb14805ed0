"""A small OpenID Connect provider the tests start: a real HTTP server in a thread that signs real ID tokens.

It serves discovery, a JWKS with an RSA key generated when it starts, an
authorization endpoint that redirects straight back with a code (the person
is whoever `provider.person` says), and a token endpoint that checks the
client, the code, the redirect URI and PKCE, then returns an RS256 ID token
carrying the nonce. Knobs let a test make it misbehave the way a broken or
hostile provider would.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

KEY_ID = "stand-in-key-1"


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


class Provider:
    """The stand-in. `url` is its issuer; set `person` (claims) before a sign-in, and the knobs to misbehave:
    `audience` (aud other than the client), `lifetime` (seconds; negative for an expired token), `age` (seconds
    between the token's issue time and now),
    `signing_key` (sign with another key than the published one), `replay` (answer every code with this
    ID token instead of a fresh one)."""

    client_id = "civicdesk-test"
    client_secret = "stand-in-secret-horse"

    def __init__(self):
        self.key = new_key()
        self.codes: dict[str, dict] = {}
        self.issued: list[str] = []
        self.reset()
        handler = type("Handler", (_Handler,), {"provider": self})
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def reset(self) -> None:
        self.person: dict = {}
        self.audience: str | None = None
        self.lifetime = 300
        self.age = 5
        self.signing_key: rsa.RSAPrivateKey | None = None
        self.replay: str | None = None

    def start(self) -> Provider:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def discovery(self) -> dict:
        return {"issuer": self.url, "authorization_endpoint": self.url + "/authorize",
                "token_endpoint": self.url + "/token", "jwks_uri": self.url + "/jwks",
                "response_types_supported": ["code"], "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"]}

    def jwks(self) -> dict:
        public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        return {"keys": [{**public, "kid": KEY_ID, "alg": "RS256", "use": "sig"}]}

    def id_token(self, nonce: str) -> str:
        now = int(time.time())
        claims = {"iss": self.url, "aud": self.audience or self.client_id, "iat": now - self.age,
                  "exp": now + self.lifetime, "nonce": nonce, **self.person}
        return jwt.encode(claims, self.signing_key or self.key, algorithm="RS256", headers={"kid": KEY_ID})


class _Handler(BaseHTTPRequestHandler):
    provider: Provider

    def log_message(self, *args) -> None:  # quiet
        pass

    def _json(self, status: int, document: dict) -> None:
        body = json.dumps(document).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        if url.path == "/.well-known/openid-configuration":
            return self._json(200, self.provider.discovery())
        if url.path == "/jwks":
            return self._json(200, self.provider.jwks())
        if url.path == "/authorize":
            query = {name: values[0] for name, values in parse_qs(url.query).items()}
            if query.get("client_id") != self.provider.client_id or query.get("response_type") != "code":
                return self._json(400, {"error": "invalid_request"})
            code = secrets.token_urlsafe(16)
            self.provider.codes[code] = query
            self.send_response(302)
            self.send_header("Location", query["redirect_uri"] + "?" + urlencode({"code": code,
                                                                                   "state": query["state"]}))
            self.end_headers()
            return None
        return self._json(404, {"error": "not_found"})

    def do_POST(self) -> None:
        if urlsplit(self.path).path != "/token":
            return self._json(404, {"error": "not_found"})
        length = int(self.headers.get("Content-Length", "0"))
        form = {name: values[0] for name, values in parse_qs(self.rfile.read(length).decode()).items()}
        request = self.provider.codes.pop(form.get("code", ""), None)
        if (request is None or form.get("client_id") != self.provider.client_id
                or form.get("client_secret") != self.provider.client_secret
                or form.get("redirect_uri") != request["redirect_uri"]):
            return self._json(400, {"error": "invalid_grant"})
        challenge = base64.urlsafe_b64encode(hashlib.sha256(form.get("code_verifier", "").encode()).digest())
        if request.get("code_challenge") and challenge.rstrip(b"=").decode() != request["code_challenge"]:
            return self._json(400, {"error": "invalid_grant", "error_description": "PKCE"})
        token = self.provider.replay or self.provider.id_token(request.get("nonce", ""))
        self.provider.issued.append(token)
        return self._json(200, {"access_token": secrets.token_urlsafe(16), "token_type": "Bearer",
                                "expires_in": 300, "id_token": token})
