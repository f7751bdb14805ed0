"""Who moderates: a seat counts in its whole jurisdiction, like service notices (see civicdesk/staff/access.py)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils.translation import gettext as _

from civicdesk.staff import access

Role = access.Role

#: Supervisors and administrators moderate their jurisdiction's forums and comments; the city-wide word
#: filter is the administrators' call. Any staff seat may answer residents officially.
RULES: dict[str, set[str]] = {
    "moderate": {Role.SUPERVISOR, Role.ADMIN, access.SUPERUSER},
    "edit_word_filter": {Role.ADMIN, access.SUPERUSER},
    "answer_officially": {Role.AGENT, Role.STAFF, Role.SUPERVISOR, Role.ADMIN, access.SUPERUSER},
}


def can(user, action: str, jurisdiction_id: int | None) -> bool:
    """True when `user` may do `action` for content of that jurisdiction (None: content of no jurisdiction,
    which every moderator may review)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    seats = access.seats(user)
    return any(seat.role in RULES[action] and (jurisdiction_id is None or seat.jurisdiction_id == jurisdiction_id)
               for seat in seats)


def jurisdiction_ids(user, action: str) -> set[int] | None:
    """Jurisdictions where `user` may do `action`; None means all of them (superuser)."""
    if getattr(user, "is_superuser", False):
        return None
    return {seat.jurisdiction_id for seat in access.seats(user) if seat.role in RULES[action]}


def require(user, action: str) -> None:
    """PermissionDenied unless the user is staff past two-factor and may do `action` somewhere."""
    access.require_staff(user)
    ids = jurisdiction_ids(user, action)
    if ids is not None and not ids:
        raise PermissionDenied(_("Your role does not include moderating residents' posts."))


def reviews_q(user) -> Q:
    """The queue items `user` may decide."""
    ids = jurisdiction_ids(user, "moderate")
    if ids is None:
        return Q()
    return Q(jurisdiction_id__in=ids) | Q(jurisdiction_id__isnull=True)
