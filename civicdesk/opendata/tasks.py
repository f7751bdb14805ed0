"""Background work for open data: the nightly export of the built-in datasets (registered in apps.py)."""

from __future__ import annotations

import logging
import time

from django_tasks import task

log = logging.getLogger(__name__)

#: Attempts at one export when the database is busy or briefly unreachable, and the first wait between them.
ATTEMPTS = 4
FIRST_RETRY_SECONDS = 5.0


@task()
def export_open_data() -> int:
    """Export every built-in dataset in each of its formats; returns how many files were published.

    Safe to run twice or late (each run publishes whole new files, see exports.export). A transient database
    error (locked, restarting) is waited out per file, with the connections dropped and the export redone,
    up to ATTEMPTS times; any other error is a bug and fails the task.
    """
    from civicdesk.core.periodic import forget_connections, is_transient_database_error, retry_delay

    from .builtin import BUILTIN
    from .exports import export

    published = 0
    for dataset in BUILTIN.values():
        for fmt in dataset.formats:
            for attempt in range(1, ATTEMPTS + 1):
                try:
                    export(dataset, fmt)
                    published += 1
                    break
                except Exception as exc:
                    if not is_transient_database_error(exc) or attempt == ATTEMPTS:
                        raise
                    delay = retry_delay(attempt, first=FIRST_RETRY_SECONDS, longest=60.0)
                    log.warning("open data export %s.%s: database busy or unreachable (%s); again in %.0f s",
                                dataset.slug, fmt, exc, delay)
                    forget_connections()
                    time.sleep(delay)
    return published
