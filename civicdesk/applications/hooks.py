"""Hooks for apps built on applications (public-records requests, registers, inspections): lower apps never
import higher ones, so a higher app registers a function here in its AppConfig.ready().

`on_change(fn)`: fn(application, what) runs inside the transaction of a change, with `what` one of
"submitted" and "withdrawn". An exception rolls the change back.

`config_links(fn)`: fn(application_type) returns [(label, url), ...], extra configuration pages of that type
that a higher app offers (the records settings of a records-request type); the type's staff page lists them."""

from __future__ import annotations

from collections.abc import Callable

_listeners: list[Callable] = []
_link_makers: list[Callable] = []


def on_change(listener: Callable) -> None:
    """Register `listener(application, what)`; registering the same function twice keeps one."""
    if listener not in _listeners:
        _listeners.append(listener)


def changed(application, what: str) -> None:
    for listener in _listeners:
        listener(application, what)


def config_links(maker: Callable) -> None:
    """Register `maker(application_type) -> [(label, url), ...]`; registering the same function twice keeps one."""
    if maker not in _link_makers:
        _link_makers.append(maker)


def links_for(application_type) -> list[tuple[str, str]]:
    """Every extra configuration link of `application_type`, in registration order."""
    return [link for maker in _link_makers for link in maker(application_type)]
