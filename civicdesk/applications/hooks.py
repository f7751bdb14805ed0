"""Hooks for apps built on applications (public-records requests, registers, inspections): lower apps never
import higher ones, so a higher app registers a function here in its AppConfig.ready().

`on_change(fn)`: fn(application, what) runs inside the transaction of a change, with `what` one of
"submitted" and "withdrawn". An exception rolls the change back.

`register_type_config_link(fn)`: fn(application_type) returns a list of (label, url): more settings pages a higher
app keeps for that type (a records-request type's records settings, a type's inspection requirement); the type's
staff page lists them."""

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


type_config_links: list[Callable] = []


def register_type_config_link(link: Callable) -> None:
    """Register `link(application_type) -> [(label, url), ...]`; registering the same function twice keeps one."""
    if link not in type_config_links:
        type_config_links.append(link)


def config_links(application_type) -> list[tuple[str, str]]:
    """Every (label, url) the registered apps offer for `application_type`, in registration order."""
    return [found for link in list(type_config_links) for found in link(application_type)]
