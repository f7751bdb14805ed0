"""Conditions apps above applications set on finishing a review step (an inspection passed, say).

An app registers `before_step(callback)` in its AppConfig.ready(); `callback(application, step)` raises
ApplicationError (words for the reviewer) when `step` may not be finished yet. complete_step() asks before moving
on, decide() before approving at the decision step. `panel(callback)`: `callback(request, application)` returns
HTML (or "") shown on the applicant's page of the application (the inspection booking, say).
"""

from __future__ import annotations

from collections.abc import Callable

_before_step: list[Callable] = []
_panels: list[Callable] = []


def before_step(callback: Callable) -> None:
    if callback not in _before_step:
        _before_step.append(callback)


def check_before_step(application, step) -> None:
    for callback in _before_step:
        callback(application, step)


def panel(callback: Callable) -> None:
    if callback not in _panels:
        _panels.append(callback)


def panels(request, application) -> list[str]:
    return [html for html in (callback(request, application) for callback in list(_panels)) if html]
