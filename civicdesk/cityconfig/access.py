"""Who may export, import and migrate a jurisdiction's configuration: its administrators (and superusers)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from civicdesk.jurisdictions.models import Jurisdiction
from civicdesk.staff import access

ADMINS = {access.Role.ADMIN, access.SUPERUSER}


def jurisdictions_for(user):
    """Jurisdictions whose configuration `user` administers."""
    queryset = Jurisdiction.objects.order_by("name", "id")
    if getattr(user, "is_superuser", False):
        return queryset
    return queryset.filter(pk__in={seat.jurisdiction_id for seat in access.seats(user) if seat.role in ADMINS})


def require_config_admin(user) -> None:
    """PermissionDenied unless the user (past two-factor) administers some jurisdiction."""
    access.require_staff(user)
    if not jurisdictions_for(user).exists():
        raise PermissionDenied(_("Only a jurisdiction administrator may change its configuration."))


def require_admin_of(user, slug: str, *, new_allowed: bool = False) -> None:
    """PermissionDenied unless the user administers the jurisdiction `slug` (or, for a jurisdiction new to this
    database, is a superuser: only they may add one)."""
    if jurisdictions_for(user).filter(slug=slug).exists():
        return
    if new_allowed and user.is_superuser and not Jurisdiction.objects.filter(slug=slug).exists():
        return
    raise PermissionDenied(_("You do not administer the jurisdiction “%(slug)s” that this file configures.")
                           % {"slug": slug})


def get_for_admin(user, model, pk: int):
    """An object with a `jurisdiction` the user administers, else Http404."""
    require_config_admin(user)
    found = model.objects.select_related("jurisdiction").filter(
        pk=pk, jurisdiction__in=jurisdictions_for(user)).first()
    if found is None:
        raise Http404(_("Nothing you administer has that number."))
    return found
