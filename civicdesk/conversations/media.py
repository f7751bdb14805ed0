"""Fetching pictures sent by MMS or direct message, behind one small interface, into the media pipeline.

`fetcher().fetch(url)` returns the bytes (at most MAX_PHOTO_BYTES) or raises MediaFetchError; the caller then
hands them to lib.media.process_upload, which sniffs the real type and re-encodes, exactly as for the web form.
Choose the backend with CONVERSATIONS_MEDIA_FETCHER (a dotted path).
"""

from __future__ import annotations

import base64
import urllib.error
import urllib.request
from urllib.parse import urlparse

from django.conf import settings
from django.utils.module_loading import import_string


class MediaFetchError(Exception):
    """The picture could not be fetched (unreachable, refused, too large, not an allowed link)."""


class MediaFetcher:
    """Downloads one provider media link. Subclasses decide which links they accept and how they authenticate."""

    def headers(self) -> dict[str, str]:
        return {}

    def allowed(self, url: str) -> bool:
        return urlparse(url).scheme in {"http", "https"}

    def fetch(self, url: str) -> bytes:
        """The content at `url`, read up to MAX_PHOTO_BYTES + 1 so an oversized file is refused, never stored."""
        if not self.allowed(url):
            raise MediaFetchError("link not accepted by this fetcher")
        limit = settings.MAX_PHOTO_BYTES
        request = urllib.request.Request(url, headers={"User-Agent": "CivicDesk", **self.headers()})
        try:
            with urllib.request.urlopen(request, timeout=settings.CONVERSATIONS_MEDIA_TIMEOUT) as response:
                declared = int(response.headers.get("Content-Length") or 0)
                if declared > limit:
                    raise MediaFetchError("too large")
                data = response.read(limit + 1)
        except (urllib.error.URLError, OSError, ValueError) as exc:
            raise MediaFetchError(f"could not fetch: {exc}") from exc
        if len(data) > limit:
            raise MediaFetchError("too large")
        return data


class DevelopmentMediaFetcher(MediaFetcher):
    """Any http(s) link, no credentials: for development and tests (a local server), never in production."""


class TwilioMediaFetcher(MediaFetcher):
    """Twilio's MMS media links only (under TWILIO_API_BASE), with the account's credentials (HTTP basic)."""

    def allowed(self, url: str) -> bool:
        return url.startswith(settings.TWILIO_API_BASE + "/")

    def headers(self) -> dict[str, str]:
        credentials = f"{settings.TWILIO_ACCOUNT_SID}:{settings.TWILIO_AUTH_TOKEN}".encode()
        return {"Authorization": "Basic " + base64.b64encode(credentials).decode()}


def fetcher() -> MediaFetcher:
    """The configured fetcher (CONVERSATIONS_MEDIA_FETCHER)."""
    return import_string(settings.CONVERSATIONS_MEDIA_FETCHER)()
