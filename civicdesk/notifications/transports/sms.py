"""SMS: a development backend that keeps an outbox staff can read, and an adapter for Twilio's Messages API."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import urllib.error
import urllib.parse
import urllib.request
from typing import TYPE_CHECKING

from django.conf import settings
from django.urls import reverse

from . import Transport, TransportError

if TYPE_CHECKING:
    from civicdesk.notifications.models import Delivery

# Twilio error codes that mean this number cannot get our texts, whatever we retry:
# 21211 invalid "To" number, 21610 the recipient replied STOP, 21612 no route to it, 21614 not a mobile number.
TWILIO_RECIPIENT_ERRORS = frozenset({21211, 21610, 21612, 21614})
# Delivery receipts (ErrorCode in a status callback) that mean the same for a message already accepted:
# 30003 unreachable handset, 30005 unknown destination, 30006 landline or unreachable carrier, 21610 STOP.
TWILIO_UNDELIVERABLE_RECEIPTS = frozenset({21610, 30003, 30005, 30006})
# Our own account is refused: 20003 authentication failed, 20005 and 10001 the account is not active.
TWILIO_ACCOUNT_ERRORS = frozenset({10001, 20003, 20005})
# Our "From" number is refused: 21212 invalid, 21606 not SMS-capable or not ours, 21659 not a Twilio number,
# 21660 it belongs to another account.
TWILIO_SENDER_ERRORS = frozenset({21212, 21606, 21659, 21660})


def twilio_signature(url: str, params: dict[str, str], auth_token: str) -> str:
    """Twilio's X-Twilio-Signature: base64 HMAC-SHA1 (keyed by the auth token) of the full URL followed by
    every POST parameter's name and value, sorted by name, with no separators."""
    payload = url + "".join(f"{name}{params[name]}" for name in sorted(params))
    return base64.b64encode(hmac.new(auth_token.encode(), payload.encode(), hashlib.sha1).digest()).decode()


def twilio_signature_is_valid(url: str, params: dict[str, str], signature: str, auth_token: str) -> bool:
    """True when `signature` is what Twilio would send for this URL and these parameters."""
    if not auth_token or not signature:
        return False
    return hmac.compare_digest(twilio_signature(url, params, auth_token), signature)


class DevelopmentSms(Transport):
    """Writes each text to the SmsMessage outbox (Admin → SMS messages) instead of a phone network."""

    resend_is_safe = False

    def send(self, delivery: Delivery) -> str:
        return self.send_text(delivery.address, delivery.body_text, delivery=delivery)

    def send_text(self, to: str, body: str, *, delivery: Delivery | None = None) -> str:
        """Keep `body` for `to` (E.164) in the outbox; return its provider id "dev-<pk>". Nothing leaves the
        machine."""
        from civicdesk.notifications.models import SmsMessage

        message = SmsMessage.objects.create(to=to, body=body, delivery=delivery)
        return f"dev-{message.pk}"


def twilio_error(status: int, body: bytes) -> TransportError:
    """Classify a Twilio error answer: a recipient error code is permanent; 429, 5xx and the rest retry.

    Other 4xx answers (bad credentials, a missing From number) are our configuration, not the recipient's,
    so they are retried and end FAILED without suppressing the number.
    """
    try:
        data = json.loads(body.decode() or "{}")
    except (UnicodeDecodeError, ValueError):
        data = {}
    code = data.get("code") if isinstance(data, dict) else None
    message = data.get("message", "") if isinstance(data, dict) else ""
    text = f"Twilio HTTP {status}" + (f" error {code}" if code else "") + (f": {message}" if message else "")
    if status == 401 or code in TWILIO_ACCOUNT_ERRORS:
        kind = "credentials"
    elif code in TWILIO_RECIPIENT_ERRORS:
        kind = "recipient"
    elif code in TWILIO_SENDER_ERRORS:
        kind = "sender"
    else:
        kind = "provider"
    return TransportError(text, permanent=status < 500 and status != 429 and code in TWILIO_RECIPIENT_ERRORS,
                          kind=kind)


class TwilioSms(Transport):
    """Twilio's Messages resource: POST {TWILIO_API_BASE}/2010-04-01/Accounts/{sid}/Messages.json.

    Form fields To, From, Body and StatusCallback (our receipt view), basic auth with the account SID and
    auth token; the answer's JSON `sid` is the provider id that delivery receipts refer to.
    """

    resend_is_safe = False  # a second text cannot be taken back

    def __init__(self) -> None:
        self.sid = settings.TWILIO_ACCOUNT_SID
        self.token = settings.TWILIO_AUTH_TOKEN
        if not (self.sid and self.token and settings.TWILIO_FROM_NUMBER):
            raise TransportError("Twilio is not configured (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, "
                                 "TWILIO_FROM_NUMBER).", permanent=False)

    def send(self, delivery: Delivery) -> str:
        return self.send_text(delivery.address, delivery.body_text)

    def send_text(self, to: str, body: str) -> str:
        """Post one text to `to` (E.164); return Twilio's message sid ("" if its answer has none) or raise
        TransportError (its `kind` says whose fault a failure is)."""
        url = f"{self._account_url()}/Messages.json"
        fields = {"To": to, "From": settings.TWILIO_FROM_NUMBER, "Body": body,
                  "StatusCallback": settings.SITE_URL + reverse("notifications:twilio_status")}
        body_bytes = self._call(urllib.request.Request(url, data=urllib.parse.urlencode(fields).encode(),
                                                       method="POST", headers=self._headers(form=True)))
        try:
            return str(json.loads(body_bytes.decode())["sid"])
        except (UnicodeDecodeError, ValueError, KeyError, TypeError):
            # Twilio accepted the text (2xx): sending it again would be a duplicate, so it counts as sent.
            return ""

    def check_account(self) -> str:
        """Read our account (GET .../Accounts/{sid}.json), which sends nothing and costs nothing: returns its
        name when Twilio accepts the SID and token and the account is active, else raises TransportError."""
        body = self._call(urllib.request.Request(f"{self._account_url()}.json", method="GET",
                                                 headers=self._headers()))
        try:
            data = json.loads(body.decode())
        except (UnicodeDecodeError, ValueError):
            data = {}
        data = data if isinstance(data, dict) else {}
        status = str(data.get("status", "active"))
        if status != "active":
            raise TransportError(f"The Twilio account {self.sid} is {status}.", kind="credentials")
        return str(data.get("friendly_name") or self.sid)

    def _account_url(self) -> str:
        return f"{settings.TWILIO_API_BASE}/2010-04-01/Accounts/{urllib.parse.quote(self.sid)}"

    def _headers(self, *, form: bool = False) -> dict[str, str]:
        credentials = base64.b64encode(f"{self.sid}:{self.token}".encode()).decode()
        headers = {"Authorization": f"Basic {credentials}", "Accept": "application/json"}
        if form:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        return headers

    def _call(self, request: urllib.request.Request) -> bytes:
        try:
            with urllib.request.urlopen(request, timeout=settings.TWILIO_TIMEOUT) as response:
                return response.read()
        except urllib.error.HTTPError as exc:
            raise twilio_error(exc.code, exc.read()) from exc
        except (urllib.error.URLError, OSError) as exc:
            raise TransportError(f"Twilio could not be reached: {exc}", permanent=False, kind="unreachable") from exc
