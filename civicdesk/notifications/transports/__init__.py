"""The transport interface every channel implements, and the registry that picks one per channel from settings.

A transport gets a rendered, claimed `Delivery` and either returns the provider's id for the message or
raises `TransportError`. It never writes the Delivery itself: the sending loop in `sending.py` records the
outcome, so every channel gets the same retry, suppression and bookkeeping rules.
"""

from __future__ import annotations

import abc
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils.module_loading import import_string

if TYPE_CHECKING:
    from civicdesk.notifications.models import Delivery


class TransportError(Exception):
    """A send that did not happen. `permanent` means trying again cannot help (bad address, refused).

    A permanent error suppresses the address on its channel (a bounce) unless `suppress` is False: a number
    our own policy refuses (a premium-rate number, a country not allowed) is not the receiver's fault.
    `kind` says whose the fault is, for people who must fix it (the go-live checklist's test text):
    "credentials" (the provider refused our account), "unreachable" (no answer), "recipient" (the number
    cannot get texts), "sender" (our sending number is refused), "provider" (its error, or busy) or "".
    """

    def __init__(self, message: str, *, permanent: bool = False, suppress: bool = True, kind: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.permanent = permanent
        self.suppress = suppress
        self.kind = kind


class Transport(abc.ABC):
    """Sends deliveries of one channel. One instance serves one claimed batch, then `close()` is called.

    `resend_is_safe` says whether sending the same delivery twice is harmless for the receiver: true for
    email (the same Message-ID collapses) and webhooks (the same X-CivicDesk-Delivery id), false for SMS.
    A delivery that was in flight when its worker died is resent only when it is safe.
    """

    resend_is_safe = False

    @abc.abstractmethod
    def send(self, delivery: Delivery) -> str:
        """Send `delivery`; return the provider's message id ("" if it gives none) or raise TransportError."""

    def close(self) -> None:
        """Release connections opened by `send()`."""


def transport_for(channel: str) -> Transport:
    """A new transport for `channel`, from settings.NOTIFICATION_TRANSPORTS (KeyError for an unknown channel)."""
    return import_string(settings.NOTIFICATION_TRANSPORTS[channel])()
