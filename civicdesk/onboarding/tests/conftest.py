"""Fixtures of the onboarding tests: the local server playing Twilio that the SMS adapter's own tests use."""

from __future__ import annotations

from civicdesk.notifications.tests.conftest import http_server, twilio  # noqa: F401 - fixtures shared by name
