"""Payment providers: where the money actually moves. `get_provider(name)` gives the configured adapter.

Settings: ``PAYMENT_PROVIDERS`` maps a provider name (stored on every payment) to the dotted path of its
`PaymentProvider` subclass; ``PAYMENT_PROVIDER`` names the one new online payments use.
"""

from __future__ import annotations

from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

from .base import (  # noqa: F401  (the contract, importable from here)
    CheckoutRequest,
    CheckoutSession,
    InvalidSignature,
    MandateCharge,
    PaymentProvider,
    ProviderError,
    ProviderEvent,
    ProviderPayment,
    ProviderRefund,
    SavedMethod,
    SetupRequest,
)


def get_provider(name: str | None = None) -> PaymentProvider:
    """The adapter registered under `name` (default: settings.PAYMENT_PROVIDER); raises KeyError when unknown."""
    # The default is read on every call (a changed PAYMENT_PROVIDER is seen at once); adapters are cached by name.
    return _provider(name or settings.PAYMENT_PROVIDER)


@cache
def _provider(name: str) -> PaymentProvider:
    provider = import_string(settings.PAYMENT_PROVIDERS[name])()
    provider.name = name
    return provider


get_provider.cache_clear = _provider.cache_clear
