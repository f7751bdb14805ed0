"""Sections later apps add to the staff request page, without this app importing them (lib/sections.py).

An app registers a function in its AppConfig.ready(): `add_detail_section(fn)`; `fn(http_request,
service_request)` returns safe HTML (or "") shown at the end of the request's staff page, in registration
order. The work-order connectors (civicdesk/connectors) show the request's sync state this way.
"""

from __future__ import annotations

from civicdesk.lib.sections import Sections

_SECTIONS = Sections()
add_detail_section = _SECTIONS.add
detail_sections = _SECTIONS.render
