"""Who may edit the information hub's content: editors and jurisdiction admins, in their jurisdictions.

The staff console's request rules (civicdesk/staff/access.py) sit above this app; both read the seats through
jurisdictions.models.seats_of (one query per user object)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from civicdesk.jurisdictions.models import Jurisdiction, StaffMembership, seats_of

Role = StaffMembership.Role

#: Seats that write, review and publish content. Reviewing needs a second such person (services.approve).
EDIT_ROLES = frozenset({Role.EDITOR, Role.ADMIN})


def editable_jurisdiction_ids(user) -> set[int] | None:
    """Ids of the jurisdictions whose content `user` may edit; None means every one (superusers)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    if user.is_superuser:
        return None
    return {seat.jurisdiction_id for seat in seats_of(user) if seat.role in EDIT_ROLES}


def can_edit(user, jurisdiction_id: int) -> bool:
    """True when `user` may edit, review and publish content of that jurisdiction."""
    ids = editable_jurisdiction_ids(user)
    return ids is None or jurisdiction_id in ids


def is_editor(user) -> bool:
    """True for superusers and anyone with an editor or jurisdiction-admin seat somewhere."""
    ids = editable_jurisdiction_ids(user)
    return ids is None or bool(ids)


def jurisdictions_for(user):
    """Active jurisdictions whose content `user` may edit."""
    queryset = Jurisdiction.objects.filter(is_active=True).order_by("name", "id")
    ids = editable_jurisdiction_ids(user)
    return queryset if ids is None else queryset.filter(pk__in=ids)


def require_editor(user) -> None:
    """PermissionDenied unless the user may edit some content; VerificationRequired (handled by the accounts
    middleware) until they have passed two-factor sign-in."""
    if not is_editor(user):
        raise PermissionDenied(_("This page is for the city's content editors."))
    from civicdesk.accounts.two_factor import require_verified

    require_verified(user)


def get_for_editor(user, model, pk: int):
    """The editorial object, or Http404 when it does not exist or belongs to a jurisdiction the user may not
    edit (the same answer, so nobody learns what exists elsewhere)."""
    require_editor(user)
    obj = model.objects.select_related("jurisdiction", "updated_by", "reviewed_by").filter(pk=pk).first()
    if obj is None or not can_edit(user, obj.jurisdiction_id):
        raise Http404(_("No content you can edit has that number."))
    return obj
