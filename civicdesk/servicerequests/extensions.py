"""Sections later apps add to the public tracking page, without this app importing them (lib/sections.py).

An app registers a function in its AppConfig.ready(): `add_tracking_page_section(fn)`; `fn(http_request,
service_request)` returns safe HTML (or "") shown under the request's history, in registration order.
Public comments (civicdesk/comments) use it. A section that can change while the request does not (a new
comment) also registers `add_tracking_page_version(fn)`, so the page's ETag changes with it.
"""

from __future__ import annotations

from collections.abc import Callable

from civicdesk.lib.sections import Sections

_SECTIONS = Sections()
add_tracking_page_section = _SECTIONS.add
tracking_page_sections = _SECTIONS.render
_VERSIONS: list[Callable] = []


def add_tracking_page_version(version: Callable) -> None:
    """Register what a section is drawn from: `version(service_request_pk)` returns a short string that changes
    whenever the section would (the page's ETag includes it; see civicdesk/core/conditional.py). Every app that
    adds a section which can change without the request itself changing must register one."""
    if version not in _VERSIONS:
        _VERSIONS.append(version)


def tracking_page_versions(service_request_pk: int) -> list[str]:
    return [version(service_request_pk) for version in _VERSIONS]
