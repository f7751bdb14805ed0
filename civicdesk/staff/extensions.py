"""Sections later apps add to the staff request page, without this app importing them.

An app registers a function in its AppConfig.ready(): `add_detail_section(fn)`; `fn(http_request,
service_request)` returns safe HTML (or "") shown at the end of the request's staff page, in registration
order. The work-order connectors (civicdesk/connectors) show the request's sync state this way.
"""

from __future__ import annotations

from collections.abc import Callable

_SECTIONS: list[Callable] = []


def add_detail_section(render: Callable) -> None:
    if render not in _SECTIONS:
        _SECTIONS.append(render)


def detail_sections(http_request, service_request) -> list[str]:
    """The HTML of every registered section for this request's staff page (empty ones left out)."""
    return [html for html in (fn(http_request, service_request) for fn in _SECTIONS) if html]
