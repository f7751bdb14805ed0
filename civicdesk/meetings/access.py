"""Who may prepare, publish and read the RSVP lists of meetings: a seat counts in its whole jurisdiction."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from civicdesk.jurisdictions.models import Jurisdiction
from civicdesk.staff import access

Role = access.Role

#: Agents answer residents' questions about meetings (and read who is coming); staff prepare meetings;
#: what residents see (publishing, cancelling) is a supervisor's or an administrator's call.
RULES: dict[str, set[str]] = {
    "view_meetings": {Role.AGENT, Role.STAFF, Role.SUPERVISOR, Role.ADMIN, access.SUPERUSER},
    "edit_meeting": {Role.STAFF, Role.SUPERVISOR, Role.ADMIN, access.SUPERUSER},
    "publish_meeting": {Role.SUPERVISOR, Role.ADMIN, access.SUPERUSER},
}


def can(user, action: str, jurisdiction_id: int) -> bool:
    """True when `user` may do `action` (a key of RULES) for that jurisdiction's meetings."""
    return bool(RULES[action] & access.jurisdiction_roles(user, jurisdiction_id))


def jurisdictions_for(user, action: str):
    """Active jurisdictions where `user` may do `action`."""
    return jurisdictions_with_roles(user, RULES[action])


def jurisdictions_with_roles(user, roles: set[str]):
    """Active jurisdictions where `user` holds a seat of one of `roles` (all of them for a superuser)."""
    queryset = Jurisdiction.objects.filter(is_active=True).order_by("name", "id")
    if getattr(user, "is_superuser", False):
        return queryset
    ids = {seat.jurisdiction_id for seat in access.seats(user) if seat.role in roles}
    return queryset.filter(pk__in=ids)


def require_meeting_staff(user) -> None:
    """PermissionDenied unless the user may see some jurisdiction's meetings in the console (after two-factor)."""
    access.require_staff(user)
    if not jurisdictions_for(user, "view_meetings").exists():
        raise PermissionDenied(_("Your role does not include meetings."))


def get_meeting_for_staff(user, pk: int, action: str = "view_meetings"):
    """The meeting, or Http404 when the user may not see it, PermissionDenied when they may see it but not
    do `action`. Changing a published meeting needs the right to publish."""
    from .models import Meeting

    access.require_staff(user)
    meeting = Meeting.objects.select_related("jurisdiction").filter(pk=pk).first()
    if meeting is None or not can(user, "view_meetings", meeting.jurisdiction_id):
        raise Http404(_("No meeting you can see has that number."))
    if action == "edit_meeting" and meeting.published_at is not None:
        action = "publish_meeting"
    if not can(user, action, meeting.jurisdiction_id):
        raise PermissionDenied(_("Your role does not allow this on this meeting."))
    return meeting
