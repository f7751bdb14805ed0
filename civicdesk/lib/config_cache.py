"""A per-process cache of small configuration tables read by every submission.

Routing rules, emergency phrases, statuses, service types' questions and
jurisdictions, business calendars and boundaries change a few times a year but
were read from the database on every new request (about a dozen queries).
`cached(key, load)` keeps what `load()` returned for CONFIG_CACHE_SECONDS
seconds (setting; 0 turns caching off, the default under TESTING).

Contract:
- A save, delete or many-to-many change of a model passed to `clear_on_change()`
  empties the whole cache at once in the process that made it (nothing stale
  there, not even until the end of the transaction), and counts one change in
  the database (core.ConfigGeneration, through the hook core registers);
- other processes (the other web workers, the task worker) read that count at
  most once every CONFIG_GENERATION_CHECK_SECONDS (one indexed one-row read, not
  one per request) and drop every entry loaded under an older count: they see
  the change within that interval. Without a registered reader (or with the
  check turned off, a negative interval) they see it when their entry expires,
  at most CONFIG_CACHE_SECONDS later, which is also the backstop for writes
  that bypass both signals and `changed()`;
- bulk updates and raw SQL send no signals: call `changed()` after them (it also
  counts the change for public pages' validators, see civicdesk/core/conditional.py);
  `clear()` alone is for tests that change settings.
Cached values are shared by every thread of the process: treat them as read-only.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from threading import Lock
from typing import Any, TypeVar

from django.conf import settings
from django.db.models.signals import m2m_changed, post_delete, post_save

T = TypeVar("T")

_entries: dict[Hashable, tuple[float, int | None, Any]] = {}
_lock = Lock()
#: Reads the configuration's change count from the database (registered by civicdesk/core, which owns the row).
_generation_reader: Callable[[], int] | None = None
#: The change count this process last read, and when (time.monotonic()).
_generation: dict[str, Any] = {"value": None, "read_at": float("-inf")}
#: Called after a change of a watched model, once the cache is emptied (civicdesk/core registers the one that
#: counts configuration changes for public pages' validators). Each takes no arguments.
_change_hooks: list[Callable[[], None]] = []
#: The models given to clear_on_change(): only their rows may be kept by `row()`.
_watched: set[type] = set()


def cached(key: Hashable, load: Callable[[], T]) -> T:
    """What `load()` returns, reused for CONFIG_CACHE_SECONDS seconds under `key` (see the module docstring)."""
    ttl = getattr(settings, "CONFIG_CACHE_SECONDS", 0)
    if ttl <= 0:
        return load()
    now = time.monotonic()
    generation = _current_generation(now)
    hit = _entries.get(key)
    if hit is not None and hit[0] > now and hit[1] == generation:
        return hit[2]
    value = load()  # loaded after the count was read: a change committed meanwhile shows at the next check
    with _lock:
        _entries[key] = (now + ttl, generation, value)
    return value


def row(model: type[T], pk: Any) -> T:
    """The row of a watched configuration model (see clear_on_change) with this primary key, kept like any
    entry: a page can take a request's kind, status or jurisdiction from here instead of joining them in.
    Raises model.DoesNotExist as `get()` does."""
    if model not in _watched:
        raise ValueError(f"{model._meta.label} is not watched by clear_on_change(): its rows may not be kept")
    return cached(("row", model._meta.label, pk), lambda: model._default_manager.get(pk=pk))


def generation() -> int | None:
    """The change count this process's cached configuration belongs to (read at most once every
    CONFIG_GENERATION_CHECK_SECONDS), or None when the cache is off or no reader is registered. Public pages'
    validators use it (civicdesk/core/conditional.py): a page is rendered with the cached configuration, so
    its validator names the count that configuration was read under."""
    if getattr(settings, "CONFIG_CACHE_SECONDS", 0) <= 0:
        return None
    return _current_generation(time.monotonic())


def read_generation_with(reader: Callable[[], int] | None) -> None:
    """Register the function that reads the configuration's change count (civicdesk/core does, in ready())."""
    global _generation_reader
    _generation_reader = reader
    _generation.update(value=None, read_at=float("-inf"))


def _current_generation(now: float) -> int | None:
    """The change count, read again when the last read is CONFIG_GENERATION_CHECK_SECONDS old."""
    interval = getattr(settings, "CONFIG_GENERATION_CHECK_SECONDS", 1.0)
    if _generation_reader is None or interval < 0:
        return None
    if now - _generation["read_at"] >= interval:
        from django.db import DatabaseError, transaction

        try:
            if transaction.get_connection().in_atomic_block:
                with transaction.atomic():  # a savepoint: a failed read cannot break the caller's transaction
                    value = _generation_reader()
            else:  # autocommit: no transaction of its own (on SQLite that would take the write lock)
                value = _generation_reader()
        except DatabaseError:  # no table yet (before migrate) or the database is away: keep what we had
            return _generation["value"]
        _generation.update(value=value, read_at=now)
    return _generation["value"]


def clear(*args: Any, **kwargs: Any) -> None:
    """Forget every cached value (also usable as a signal receiver)."""
    with _lock:
        _entries.clear()
        _generation["read_at"] = float("-inf")  # and read the count again before the next entry is kept


def on_change(hook: Callable[[], None]) -> None:
    """Call `hook()` after every change of a model watched by `clear_on_change()` (registered once)."""
    if hook not in _change_hooks:
        _change_hooks.append(hook)


def changed(*args: Any, **kwargs: Any) -> None:
    """A watched model changed: empty the cache and tell the hooks (the signal receiver of clear_on_change;
    also to call after bulk updates and raw SQL, which send no signals)."""
    clear()
    for hook in _change_hooks:
        hook()


def clear_on_change(*models: type) -> None:
    """Empty the cache (and tell the hooks) whenever a row of one of `models` (or of their many-to-many
    tables) changes."""
    for model in models:
        _watched.add(model)
        uid = f"config_cache:{model._meta.label}"
        post_save.connect(changed, sender=model, weak=False, dispatch_uid=uid + ":save")
        post_delete.connect(changed, sender=model, weak=False, dispatch_uid=uid + ":delete")
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(changed, sender=field.remote_field.through, weak=False,
                                dispatch_uid=f"{uid}:{field.name}:m2m")
