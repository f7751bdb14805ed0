"""A per-process cache of small configuration tables read by every submission.

Routing rules, emergency phrases, statuses, service types' questions and
jurisdictions, business calendars and boundaries change a few times a year but
were read from the database on every new request (about a dozen queries).
`cached(key, load)` keeps what `load()` returned for CONFIG_CACHE_SECONDS
seconds (setting; 0 turns caching off, the default under TESTING).

Contract:
- A save, delete or many-to-many change of a model passed to `clear_on_change()`
  empties the whole cache at once in the process that made it (nothing stale
  there, not even until the end of the transaction);
- other processes (the other web workers, the task worker) see the change when
  their entry expires, at most CONFIG_CACHE_SECONDS later;
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

_entries: dict[Hashable, tuple[float, Any]] = {}
_lock = Lock()
#: Called after a change of a watched model, once the cache is emptied (civicdesk/core registers the one that
#: counts configuration changes for public pages' validators). Each takes no arguments.
_change_hooks: list[Callable[[], None]] = []


def cached(key: Hashable, load: Callable[[], T]) -> T:
    """What `load()` returns, reused for CONFIG_CACHE_SECONDS seconds under `key` (see the module docstring)."""
    ttl = getattr(settings, "CONFIG_CACHE_SECONDS", 0)
    if ttl <= 0:
        return load()
    now = time.monotonic()
    hit = _entries.get(key)
    if hit is not None and hit[0] > now:
        return hit[1]
    value = load()
    with _lock:
        _entries[key] = (now + ttl, value)
    return value


def clear(*args: Any, **kwargs: Any) -> None:
    """Forget every cached value (also usable as a signal receiver)."""
    with _lock:
        _entries.clear()


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
        uid = f"config_cache:{model._meta.label}"
        post_save.connect(changed, sender=model, weak=False, dispatch_uid=uid + ":save")
        post_delete.connect(changed, sender=model, weak=False, dispatch_uid=uid + ":delete")
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(changed, sender=field.remote_field.through, weak=False,
                                dispatch_uid=f"{uid}:{field.name}:m2m")
