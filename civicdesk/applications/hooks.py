"""Hooks for apps built on applications (public-records requests, registers, inspections): lower apps never
import higher ones, so a higher app registers a function here in its AppConfig.ready().

`on_change(fn)`: fn(application, what) runs inside the transaction of a change, with `what` one of
"submitted" and "withdrawn". An exception rolls the change back."""

from __future__ import annotations

from collections.abc import Callable

_listeners: list[Callable] = []


def on_change(listener: Callable) -> None:
    """Register `listener(application, what)`; registering the same function twice keeps one."""
    if listener not in _listeners:
        _listeners.append(listener)


def changed(application, what: str) -> None:
    for listener in _listeners:
        listener(application, what)
