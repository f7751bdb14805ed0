"""Direct messages from social platforms into the conversation engine, one adapter per platform.

An adapter verifies the platform's webhook signature, answers its subscription handshake, parses a payload into
`DirectMessage`s (sender id, text, media links, message id) and sends a reply. Adapters are listed by name in
CONVERSATIONS_SOCIAL_ADAPTERS and mounted at /conversations/social/<name>/. `MetaMessenger` speaks the Messenger
Platform's webhooks (Facebook Pages; Instagram messaging uses the same shape): see docs/conversations.md.
"""

from __future__ import annotations

import abc

import hashlib
import hmac
import json
import logging
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlparse

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.module_loading import import_string

from .media import MediaFetcher

log = logging.getLogger("civicdesk.conversations")

#: Largest webhook body read (Meta batches at most a few hundred events).
MAX_BODY = 1024 * 1024


@dataclass(frozen=True)
class DirectMessage:
    """One message a resident sent the city's account."""

    sender_id: str
    text: str
    media_urls: tuple[str, ...] = ()
    message_id: str = ""


class SocialSendError(Exception):
    """The platform refused or did not take our reply."""


class SocialAdapter(abc.ABC):
    """The contract every platform adapter fulfils (see MetaMessenger for a complete one)."""

    name = ""

    @abc.abstractmethod
    def is_configured(self) -> bool:
        """True when the platform's secrets are set."""

    @abc.abstractmethod
    def handshake(self, request: HttpRequest) -> HttpResponse:
        """Answer the platform's GET subscription check."""

    @abc.abstractmethod
    def verify(self, body: bytes, headers) -> bool:
        """True when the POST body carries the platform's valid signature."""

    @abc.abstractmethod
    def parse(self, body: bytes) -> list[DirectMessage]:
        """The direct messages in a verified payload (echoes of our own messages and other events left out)."""

    @abc.abstractmethod
    def send(self, recipient_id: str, text: str) -> None:
        """Send `text` to the resident; raises SocialSendError."""

    @abc.abstractmethod
    def media_fetcher(self) -> MediaFetcher:
        """How this platform's picture links are downloaded."""


class _HostsFetcher(MediaFetcher):
    def __init__(self, hosts: list[str]):
        self.hosts = [h.lower() for h in hosts]

    def allowed(self, url: str) -> bool:
        parsed = urlparse(url)
        host = (parsed.hostname or "").lower()
        return parsed.scheme in {"http", "https"} and any(host == h or host.endswith("." + h) for h in self.hosts)


class MetaMessenger(SocialAdapter):
    """Meta's Messenger Platform webhooks (a Facebook Page's or an Instagram account's direct messages).

    Handshake: GET ?hub.mode=subscribe&hub.verify_token=META_VERIFY_TOKEN&hub.challenge=N answers N.
    Signature: X-Hub-Signature-256 = "sha256=" + HMAC-SHA256(META_APP_SECRET, raw body), compared in constant time.
    Payload: {"object": "page"|"instagram", "entry": [{"messaging": [{"sender": {"id"}, "message": {"mid",
    "text", "attachments": [{"type": "image", "payload": {"url"}}]}}]}]}. Replies: POST
    META_GRAPH_API_BASE/me/messages with the page access token, messaging_type RESPONSE.
    """

    name = "meta"

    def is_configured(self) -> bool:
        return bool(settings.META_APP_SECRET and settings.META_VERIFY_TOKEN and settings.META_PAGE_ACCESS_TOKEN)

    def handshake(self, request: HttpRequest) -> HttpResponse:
        token = request.GET.get("hub.verify_token", "")
        if (request.GET.get("hub.mode") == "subscribe" and settings.META_VERIFY_TOKEN
                and hmac.compare_digest(token.encode(), settings.META_VERIFY_TOKEN.encode())):
            return HttpResponse(request.GET.get("hub.challenge", ""), content_type="text/plain")
        return HttpResponse("verification failed", status=403, content_type="text/plain")

    def verify(self, body: bytes, headers) -> bool:
        given = headers.get("X-Hub-Signature-256", "")
        if not settings.META_APP_SECRET or not given.startswith("sha256="):
            return False
        expected = "sha256=" + hmac.new(settings.META_APP_SECRET.encode(), body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected.encode(), given.encode())

    def parse(self, body: bytes) -> list[DirectMessage]:
        try:
            payload = json.loads(body.decode())
        except (UnicodeDecodeError, ValueError):
            return []
        found = []
        for entry in payload.get("entry", []) if isinstance(payload, dict) else []:
            for event in entry.get("messaging", []) if isinstance(entry, dict) else []:
                message = event.get("message") if isinstance(event, dict) else None
                sender = str((event.get("sender") or {}).get("id", "")) if isinstance(event, dict) else ""
                if not isinstance(message, dict) or message.get("is_echo") or not sender:
                    continue
                media = tuple(str(a.get("payload", {}).get("url", "")) for a in message.get("attachments", [])
                              if isinstance(a, dict) and a.get("type") == "image" and a.get("payload", {}).get("url"))
                found.append(DirectMessage(sender_id=sender[:128], text=str(message.get("text", ""))[:2000],
                                           media_urls=media[:5], message_id=str(message.get("mid", ""))[:128]))
        return found

    def send(self, recipient_id: str, text: str) -> None:
        query = urllib.parse.urlencode({"access_token": settings.META_PAGE_ACCESS_TOKEN})
        body = json.dumps({"recipient": {"id": recipient_id}, "messaging_type": "RESPONSE",
                           "message": {"text": text[:2000]}}).encode()
        request = urllib.request.Request(f"{settings.META_GRAPH_API_BASE}/me/messages?{query}", data=body,
                                         method="POST", headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=settings.TWILIO_TIMEOUT) as response:
                response.read()
        except urllib.error.HTTPError as exc:
            raise SocialSendError(f"Meta HTTP {exc.code}") from exc
        except (urllib.error.URLError, OSError) as exc:
            raise SocialSendError(f"Meta could not be reached: {exc}") from exc

    def media_fetcher(self) -> MediaFetcher:
        return _HostsFetcher(settings.META_MEDIA_HOSTS)


def adapter_or_none(name: str) -> SocialAdapter | None:
    """The configured adapter called `name`, or None (unknown or missing its secrets)."""
    path = settings.CONVERSATIONS_SOCIAL_ADAPTERS.get(name)
    if not path:
        return None
    found = import_string(path)()
    return found if found.is_configured() else None


def adapter(name: str) -> SocialAdapter:
    found = adapter_or_none(name)
    if found is None:
        raise SocialSendError(f"social platform {name!r} is not configured")
    return found


def receive_webhook(platform: SocialAdapter, request: HttpRequest) -> HttpResponse:
    """Verify, parse, run each message through the engine and send its answer; 403 for a bad signature."""
    from .services import Incoming, receive

    body = request.read(MAX_BODY + 1)
    if len(body) > MAX_BODY:
        return JsonResponse({"error": "too large"}, status=413)
    if not platform.verify(body, request.headers):
        log.warning("social webhook %s refused: bad signature", platform.name)
        return JsonResponse({"error": "bad signature"}, status=403)
    for message in platform.parse(body):
        answer = receive(Incoming(channel=f"social:{platform.name}", sender=message.sender_id, text=message.text,
                                  media_urls=message.media_urls, message_id=message.message_id))
        if answer.reply and not answer.duplicate:
            try:
                platform.send(message.sender_id, answer.reply)
            except SocialSendError as exc:
                log.warning("social reply not sent on %s: %s", platform.name, exc)
    return JsonResponse({"status": "EVENT_RECEIVED"})
