"""Shared test world and helpers (used by conftest.py and by every app's tests)."""
