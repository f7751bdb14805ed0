"""The local Stripe stand-in, and settings pointing the Stripe adapter at it."""

from __future__ import annotations

import pytest

from civicdesk.payments.providers.stripe import StripeProvider
from civicdesk.payments.testing.stripe_standin import StripeStandIn


@pytest.fixture
def standin(settings):
    """A running stand-in; the adapter's settings point at it (no retries, so failures show at once)."""
    server = StripeStandIn(secret_key="sk_test_civicdesk", webhook_secret="whsec_civicdesk").start()
    settings.STRIPE_API_BASE = server.url
    settings.STRIPE_SECRET_KEY = "sk_test_civicdesk"
    settings.STRIPE_WEBHOOK_SECRET = "whsec_civicdesk"
    settings.STRIPE_MAX_NETWORK_RETRIES = 0
    settings.STRIPE_TIMEOUT = 10
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def provider(standin):
    adapter = StripeProvider()
    adapter.name = "stripe"
    return adapter
