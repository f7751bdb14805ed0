"""Background work of triage: the nightly retraining of category suggestions."""

from __future__ import annotations

import logging

from django_tasks import task

log = logging.getLogger(__name__)


@task()
def retrain_classifiers_task() -> int:
    """Train and activate new category-suggestion versions for every active jurisdiction; returns how many.

    Safe to run twice (each run adds versions; only the newest few keep their bytes). A busy or unreachable
    database is logged and left to the next night; the active versions keep serving meanwhile.
    """
    from civicdesk.core.periodic import is_transient_database_error

    from .suggest import train_all

    try:
        return len(train_all())
    except Exception as exc:
        if is_transient_database_error(exc):
            log.warning("category suggestion retraining skipped, database busy or unreachable: %s", exc)
            return 0
        raise
