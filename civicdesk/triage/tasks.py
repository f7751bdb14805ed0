"""Background work of triage: the nightly retraining of category suggestions."""

from __future__ import annotations

from django_tasks import task


@task()
def retrain_classifiers_task() -> int:
    """Train and activate new category-suggestion versions for every active jurisdiction; returns how many.

    Safe to run twice (each run adds versions; only the newest few keep their bytes). A busy or unreachable
    database is logged and left to the next night; the active versions keep serving meanwhile.
    """
    from civicdesk.core.periodic import unless_database_busy

    from .suggest import train_all

    return unless_database_busy(lambda: len(train_all()), "category suggestion retraining")
