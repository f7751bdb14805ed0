"""Background work for the document library: reading a new version's text, and catching up on any missed."""

from __future__ import annotations

import logging

from django_tasks import task

log = logging.getLogger(__name__)


def _transient(exc: Exception) -> bool:
    from civicdesk.core.periodic import is_transient_database_error

    return is_transient_database_error(exc)


@task()
def extract_text(version_pk: int) -> str:
    """Extract one version's text (services.extract_version); safe to run twice. A busy or unreachable
    database is logged and left to the `documents.extract_pending` job, which retries every few minutes."""
    from .services import extract_version

    try:
        return extract_version(version_pk)
    except Exception as exc:
        if _transient(exc):
            log.warning("document text extraction of version %s postponed, database busy: %s", version_pk, exc)
            return "postponed"
        raise


@task()
def extract_pending_task() -> int:
    """The periodic catch-up: extract every version still waiting for its text."""
    from .services import extract_pending

    try:
        return extract_pending()
    except Exception as exc:
        if _transient(exc):
            log.warning("document text catch-up skipped, database busy: %s", exc)
            return 0
        raise
