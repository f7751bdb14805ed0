"""What may be commented on, and by whose rules: a registry filled in AppConfig.ready().

`register(Model, is_open=fn, jurisdiction_id=fn)`: `is_open(obj)` says whether the public may read and post
comments on `obj` now; `jurisdiction_id(obj)` whose moderators review them. A model not registered may still
take comments when it defines `comments_open()` (and a `jurisdiction_id` field): that is all a meeting needs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Target:
    is_open: Callable[[object], bool]
    jurisdiction_id: Callable[[object], int | None]


_TARGETS: dict[str, Target] = {}


def register(model: type, *, is_open: Callable[[object], bool],
             jurisdiction_id: Callable[[object], int | None] = lambda obj: getattr(obj, "jurisdiction_id", None)
             ) -> None:
    _TARGETS[model._meta.label_lower] = Target(is_open, jurisdiction_id)


def _target(obj) -> Target | None:
    found = _TARGETS.get(obj._meta.label_lower)
    if found is not None:
        return found
    if callable(getattr(obj, "comments_open", None)):
        return Target(lambda o: bool(o.comments_open()), lambda o: getattr(o, "jurisdiction_id", None))
    return None


def is_open(obj) -> bool:
    """True when the public may read and post comments on `obj`."""
    target = _target(obj)
    return target is not None and target.is_open(obj)


def jurisdiction_id(obj) -> int | None:
    target = _target(obj)
    return target.jurisdiction_id(obj) if target is not None else None


def register_service_requests() -> None:
    """Public requests whose service type allows comments (ServiceType.allows_public_comments)."""
    from civicdesk.servicerequests.models import ServiceRequest

    register(ServiceRequest, is_open=lambda sr: (sr.is_publicly_visible()
                                                 and sr.service_type.allows_public_comments))
