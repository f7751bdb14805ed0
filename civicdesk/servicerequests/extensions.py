"""Sections later apps add to the public tracking page, without this app importing them.

An app registers a function in its AppConfig.ready(): `add_tracking_page_section(fn)`; `fn(http_request,
service_request)` returns safe HTML (or "") shown under the request's history, in registration order.
Public comments (civicdesk/comments) use it.
"""

from __future__ import annotations

from collections.abc import Callable

_SECTIONS: list[Callable] = []


def add_tracking_page_section(render: Callable) -> None:
    if render not in _SECTIONS:
        _SECTIONS.append(render)


def tracking_page_sections(http_request, service_request) -> list[str]:
    """The HTML of every registered section for this request's public page (empty ones left out)."""
    return [html for html in (fn(http_request, service_request) for fn in _SECTIONS) if html]
