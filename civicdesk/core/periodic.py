"""Long-running jobs (periodic loops, the task worker) that outlive a busy or briefly unreachable database.

A periodic job that meets SQLite's "database is locked" (another process held
the write lock longer than the busy timeout), a PostgreSQL lock or statement
timeout, or a lost connection (server restarted, connection killed) logs it,
drops its connections and tries again on a later tick, waiting longer after
each failure in a row. Any other error is a bug and ends the process, so
`manage.py serve` (or systemd) restarts it and a crash loop is seen.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from django.db import connections
from django.db.utils import InterfaceError, OperationalError

from civicdesk.core.overload import is_busy_database_error

log = logging.getLogger(__name__)

#: PostgreSQL SQLSTATEs meaning the connection is gone or the server is going away or coming back.
CONNECTION_SQLSTATES = {"57P01", "57P02", "57P03"}
#: Words of client-side errors raised when the connection broke (psycopg sets no SQLSTATE for them).
CONNECTION_LOST_WORDS = ("server closed the connection", "connection already closed", "consuming input failed",
                         "terminating connection", "connection refused", "could not connect",
                         "connection is lost", "connection timed out", "no connection to the server",
                         "the connection is closed", "ssl syscall error", "connection to server")


def is_transient_database_error(exc: BaseException) -> bool:
    """True when `exc` means "the database is busy or briefly unreachable; the same work may succeed later".

    Busy: see `civicdesk.core.overload.is_busy_database_error` (SQLite's
    "database is locked", PostgreSQL lock/statement timeouts, too many
    connections, ...). Unreachable: PostgreSQL connection errors (SQLSTATE
    class 08, admin/crash shutdown) and a connection that broke under us.
    Anything else (a missing table, bad SQL) is not transient.
    """
    if is_busy_database_error(exc):
        return True
    if not isinstance(exc, (OperationalError, InterfaceError)):
        return False
    sqlstate = getattr(exc.__cause__, "sqlstate", None) or getattr(exc, "sqlstate", None)
    if sqlstate:
        return sqlstate.startswith("08") or sqlstate in CONNECTION_SQLSTATES
    message = str(exc).lower()
    return isinstance(exc, InterfaceError) or any(words in message for words in CONNECTION_LOST_WORDS)


def unless_database_busy(work: Callable[[], object], what: str, *, otherwise: object = 0) -> object:
    """`work()`'s answer, or `otherwise` (0) when the database is busy or unreachable
    (`is_transient_database_error`): logged as "<what> skipped", and the task's next run catches up.

    For a scheduled task that is safe to run twice; any other exception propagates.
    """
    try:
        return work()
    except Exception as exc:
        if not is_transient_database_error(exc):
            raise
        log.warning("%s skipped, database busy or unreachable: %s", what, exc)
        return otherwise


def retry_delay(failures: int, *, first: float, longest: float) -> float:
    """Seconds to wait after `failures` failures in a row: `first`, doubling each time, at most `longest`."""
    return min(longest, max(0.0, first) * 2 ** max(0, failures - 1))


def forget_connections() -> None:
    """Close every database connection of this thread, so the next query opens a fresh one."""
    for connection in connections.all(initialized_only=True):
        try:
            connection.close()
        except Exception:  # noqa: BLE001 - a connection already broken may fail to close; it is dropped anyway
            log.debug("closing a broken connection failed", exc_info=True)


def run_periodically(job: Callable[[], object], *, name: str, wait: Callable[[], float], stop: threading.Event,
                     retry_first: float, retry_longest: float) -> None:
    """Run `job` now and then again each time `wait()` seconds have passed, until `stop` is set.

    A transient database error (`is_transient_database_error`) does not end
    the loop: it is logged, the connections are closed, and the job runs again
    after `retry_delay(failures, first=retry_first, longest=retry_longest)`
    seconds; after a success the normal rhythm resumes. Any other exception
    propagates. `stop.set()` (a signal handler) ends every wait at once.
    """
    failures = 0
    while not stop.is_set():
        try:
            job()
        except Exception as exc:
            if not is_transient_database_error(exc):
                raise
            failures += 1
            delay = retry_delay(failures, first=retry_first, longest=retry_longest)
            log.warning("%s: the database is busy or unreachable (%s: %s); trying again in %.1f s "
                        "(%d failure(s) in a row)", name, type(exc).__name__, exc, delay, failures)
            forget_connections()
            stop.wait(delay)
            continue
        if failures:
            log.warning("%s: succeeded again after %d failure(s) in a row", name, failures)
        failures = 0
        stop.wait(max(0.0, wait()))
