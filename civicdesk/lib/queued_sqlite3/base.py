"""Django's SQLite backend, with writers of one process queueing for the write lock in turn.

SQLite lets one writer at a time hold its write lock (`BEGIN IMMEDIATE`, settings.py). A writer that finds it
taken is made to wait by SQLite's busy handler, which polls by sleeping: 1, 2, 5, 10, 15, 20, 25, 25, 25, 50,
50 and then 100 ms between tries, however soon the lock comes free. Under a burst of reports, with a web
process's threads all writing, a writer unlucky twice sleeps 25–100 ms while the lock sits idle, and the
slowest submissions took 200–1,300 ms where the work itself is a few milliseconds (bench/RESULTS.md).

Here the connections of one process (gunicorn's threads, one connection each) first take a per-database
lock of the process before `BEGIN IMMEDIATE`, and give it back when the transaction ends (commit, rollback,
or the connection closing); a write statement run outside a transaction (autocommit: an API key's call
count, a throttle counter) takes it for that one statement. A thread waiting for it is woken the moment the
holder is done, with no sleep in between. Between processes, the one writer of each process whose turn it is
tries `BEGIN IMMEDIATE` again every 0.2–2 ms (`_begin_polling`) instead of sleeping as SQLite's handler does.

Nothing about what is written, or when it is durable, changes (docs/durability.md): the same statements run
in the same transactions. The wait stays bounded by the busy timeout (SQLITE_BUSY_TIMEOUT): a writer that
cannot have the lock in time gets SQLite's own "database is locked" error, which the web tier answers with a
503 and Retry-After (core/overload.py), as before.
"""

from __future__ import annotations

import contextlib
import re
import threading
import time

from django.db import OperationalError
from django.db.backends.sqlite3 import base

#: Statements that write (and so need SQLite's write lock) when run on their own, outside a transaction.
_WRITE = re.compile(r"\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)

_gates: dict[str, threading.Lock] = {}
_gates_lock = threading.Lock()


def writer_gate(name: str) -> threading.Lock:
    """The lock the writers of this process to the database file `name` take in turn (one per file)."""
    with _gates_lock:
        return _gates.setdefault(name, threading.Lock())


def _busy(exc: BaseException) -> bool:
    """SQLite's write lock is held by another connection (SQLITE_BUSY: "database is locked")."""
    return "database is locked" in str(exc)


def _wait_for(gate: threading.Lock, timeout: float) -> None:
    if not gate.acquire(timeout=timeout):
        raise OperationalError("database is locked (no turn to write within %.0f s)" % timeout)


class GatedCursor(base.SQLiteCursorWrapper):
    """Django's cursor; a write run outside a transaction waits for the process's turn to write."""

    gate: threading.Lock | None = None
    timeout = 5.0

    def _gated(self, query: str) -> bool:
        return self.gate is not None and not self.connection.in_transaction and bool(_WRITE.match(query))

    @contextlib.contextmanager
    def _turn(self, query: str):
        """Hold the process's turn to write around a write run outside a transaction; nothing otherwise."""
        if not self._gated(query):
            yield
            return
        _wait_for(self.gate, self.timeout)
        try:
            yield
        finally:
            self.gate.release()

    def execute(self, query, params=None):
        with self._turn(query):
            return super().execute(query, params)

    def executemany(self, query, param_list):
        with self._turn(query):
            return super().executemany(query, param_list)


class DatabaseWrapper(base.DatabaseWrapper):
    """SQLite, with one writer per process at a time queueing on a lock instead of on SQLite's sleeps."""

    _holds_gate = False

    def _gate(self) -> threading.Lock | None:
        # An in-memory database is private to its connection: nothing to queue for.
        return None if self.is_in_memory_db() else writer_gate(str(self.settings_dict["NAME"]))

    def _timeout(self) -> float:
        return float(self.settings_dict["OPTIONS"].get("timeout", 5))

    def create_cursor(self, name=None):
        cursor = self.connection.cursor(factory=GatedCursor)
        cursor.gate, cursor.timeout = self._gate(), self._timeout()
        return cursor

    def _start_transaction_under_autocommit(self):
        gate = self._gate()
        if gate is None or self._holds_gate:
            return super()._start_transaction_under_autocommit()
        began = time.monotonic()
        timeout = self._timeout()
        _wait_for(gate, timeout)
        self._holds_gate = True
        try:
            self._begin_polling(began + timeout)
        except BaseException:
            self._release_gate()
            raise

    def _begin_polling(self, deadline: float) -> None:
        """BEGIN IMMEDIATE, trying again every 0.2–2 ms while another process holds the write lock.

        Only the one thread of this process that has its turn polls, so the cost is one cheap try a millisecond
        or so; SQLite's own handler would sleep up to 100 ms between tries. Its busy timeout is set to 0 for
        these tries and put back after, so every other statement waits as configured."""
        raw = self.connection
        configured = raw.execute("PRAGMA busy_timeout").fetchone()[0]
        raw.execute("PRAGMA busy_timeout = 0")
        delay = 0.0002
        try:
            while True:
                try:
                    return super()._start_transaction_under_autocommit()
                except OperationalError as exc:
                    if not _busy(exc) or time.monotonic() + delay > deadline:
                        raise
                time.sleep(delay)
                delay = min(delay * 2, 0.002)
        finally:
            raw.execute("PRAGMA busy_timeout = %d" % configured)

    def _release_gate(self) -> None:
        if self._holds_gate:
            self._holds_gate = False
            self._gate().release()

    def _commit(self):
        try:
            return super()._commit()
        finally:
            self._release_gate()

    def _rollback(self):
        try:
            return super()._rollback()
        finally:
            self._release_gate()

    def _close(self):
        try:
            return super()._close()
        finally:
            self._release_gate()
