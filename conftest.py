"""Project-wide pytest fixtures: the shared world, a real SMTP server, the task worker, a browser."""

from __future__ import annotations

import pytest

pytest_plugins = ["civicdesk.testing.fixtures"]
