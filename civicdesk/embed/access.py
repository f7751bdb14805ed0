"""Who may change a jurisdiction's embed settings: its administrators (and superusers)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from civicdesk.jurisdictions.models import Jurisdiction
from civicdesk.staff import access

ADMIN_ROLES = {access.Role.ADMIN, access.SUPERUSER}


def jurisdictions_for(user):
    """Active jurisdictions whose embed settings `user` may change."""
    queryset = Jurisdiction.objects.filter(is_active=True).order_by("name", "id")
    if getattr(user, "is_superuser", False):
        return queryset
    return queryset.filter(pk__in={seat.jurisdiction_id for seat in access.seats(user)
                                   if seat.role == access.Role.ADMIN})


def require_embed_admin(user) -> None:
    """PermissionDenied unless the user administers some jurisdiction (and passed two-factor sign-in)."""
    access.require_staff(user)
    if not jurisdictions_for(user).exists():
        raise PermissionDenied(_("Only a jurisdiction's administrators may change how its pages are embedded."))


def get_jurisdiction_for_admin(user, slug: str) -> Jurisdiction:
    """The jurisdiction, or Http404 when the user does not administer it."""
    require_embed_admin(user)
    jurisdiction = jurisdictions_for(user).filter(slug=slug).first()
    if jurisdiction is None:
        raise Http404(_("You do not administer a jurisdiction with that short name."))
    return jurisdiction
