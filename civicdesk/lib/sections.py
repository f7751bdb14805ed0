"""A registry of page sections that later apps add to a lower app's page, without the lower app importing them.

    SECTIONS = Sections()                 # in the lower app
    SECTIONS.add(render)                  # in a later app's AppConfig.ready()
    SECTIONS.render(http_request, obj)    # in the lower app's view: list of safe HTML strings

`render(http_request, obj)` returns safe HTML, or "" to show nothing; sections come in registration order.
"""

from __future__ import annotations

from collections.abc import Callable


class Sections:
    def __init__(self) -> None:
        self._renderers: list[Callable] = []

    def add(self, render: Callable) -> None:
        if render not in self._renderers:
            self._renderers.append(render)

    def render(self, http_request, obj) -> list[str]:
        """The HTML of every registered section for `obj` (empty ones left out)."""
        return [html for html in (fn(http_request, obj) for fn in self._renderers) if html]
