"""Sections later apps add to the public tracking page, without this app importing them (lib/sections.py).

An app registers a function in its AppConfig.ready(): `add_tracking_page_section(fn)`; `fn(http_request,
service_request)` returns safe HTML (or "") shown under the request's history, in registration order.
Public comments (civicdesk/comments) use it.
"""

from __future__ import annotations

from civicdesk.lib.sections import Sections

_SECTIONS = Sections()
add_tracking_page_section = _SECTIONS.add
tracking_page_sections = _SECTIONS.render
