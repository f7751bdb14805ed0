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
    #: Whether new comments are taken now (None: whenever `is_open`); comments stay readable after.
    accepts: Callable[[object], bool] | None = None


_TARGETS: dict[str, Target] = {}


def register(model: type, *, is_open: Callable[[object], bool],
             jurisdiction_id: Callable[[object], int | None] = lambda obj: getattr(obj, "jurisdiction_id", None),
             accepts: Callable[[object], bool] | None = None) -> None:
    _TARGETS[model._meta.label_lower] = Target(is_open, jurisdiction_id, accepts)


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


def accepts(obj) -> bool:
    """True when new comments on `obj` are taken now (open, and not past its `accepts` rule)."""
    target = _target(obj)
    return target is not None and target.is_open(obj) and (target.accepts is None or target.accepts(obj))


def jurisdiction_id(obj) -> int | None:
    target = _target(obj)
    return target.jurisdiction_id(obj) if target is not None else None


def register_service_requests() -> None:
    """Public requests whose service type allows comments (ServiceType.allows_public_comments)."""
    from civicdesk.servicerequests.models import ServiceRequest

    register(ServiceRequest, is_open=lambda sr: (sr.is_publicly_visible()
                                                 and sr.service_type.allows_public_comments))


def register_meetings() -> None:
    """Published meetings: comments are read for as long as the meeting is public, and taken until it starts
    (public comments *before* the meeting; none on a cancelled one)."""
    from django.utils import timezone

    from civicdesk.meetings.models import Meeting

    register(Meeting, is_open=lambda m: m.published_at is not None,
             accepts=lambda m: m.cancelled_at is None and timezone.now() < m.starts_at)
