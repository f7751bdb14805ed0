"""What the onboarding commands share: reading the input file and the --jurisdiction option, refusing in words."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandError

from civicdesk.jurisdictions.models import Jurisdiction


def read_input(path: Path) -> bytes:
    """The file's bytes, or CommandError saying why it cannot be read."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise CommandError(f"Cannot read {path}: {exc.strerror}") from exc


def jurisdiction_option(slug: str) -> Jurisdiction | None:
    """The jurisdiction named by --jurisdiction (None when the option is empty), or CommandError."""
    if not slug:
        return None
    jurisdiction = Jurisdiction.objects.filter(slug=slug).first()
    if jurisdiction is None:
        raise CommandError(f"No jurisdiction has the short name {slug!r}.")
    return jurisdiction
