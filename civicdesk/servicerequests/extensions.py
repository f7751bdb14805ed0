"""Sections later apps add to the public tracking page, without this app importing them (lib/sections.py).

An app registers a function in its AppConfig.ready(): `add_tracking_page_section(fn)`; `fn(http_request,
service_request)` returns safe HTML (or "") shown under the request's history, in registration order.
Public comments (civicdesk/comments) use it. A section that can change while the request does not (a new
comment) also registers a column of the page's validator, `add_tracking_page_version(name, column, key)`, so
the page's ETag changes with it.
"""

from __future__ import annotations

from collections.abc import Callable

from civicdesk.lib.sections import Sections

_SECTIONS = Sections()
add_tracking_page_section = _SECTIONS.add
tracking_page_sections = _SECTIONS.render
_VERSION_COLUMNS: dict[str, tuple[Callable, Callable]] = {}


def add_tracking_page_version(name: str, column: Callable, key: Callable = str) -> None:
    """Register what a section is drawn from, as one more column of the tracking page's validator statement
    (one statement per visit, 304s included: see views._TRACKED and docs/caching.md). `column()` returns an
    expression on the service request, usually a `Subquery` correlated with `OuterRef("pk")`, whose value changes
    whenever the section would; `key(value)` turns the value read into the short string the page's ETag includes.
    Every app that adds a section which can change without the request itself changing must register one."""
    _VERSION_COLUMNS.setdefault(name, (column, key))


def tracking_page_version_columns() -> dict:
    """The registered columns, by name, as expressions to annotate the request with."""
    return {name: column() for name, (column, _) in _VERSION_COLUMNS.items()}


def tracking_page_version_keys(values) -> list[str]:
    """The registered sections' parts of the ETag, from the values their columns were read with (in the order
    `tracking_page_version_columns()` gives them)."""
    return [key(value) for (_, key), value in zip(_VERSION_COLUMNS.values(), values, strict=True)]
