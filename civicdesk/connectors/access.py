"""Who may configure connectors and handle dead letters: a seat counts in its whole jurisdiction."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from civicdesk.staff import access

Role = access.Role

#: Connectors hold the keys to another system: only administrators set them up. Supervisors, who answer
#: for the work, may also see the dead letters and retry or stop them.
RULES: dict[str, set[str]] = {
    "configure": {Role.ADMIN, access.SUPERUSER},
    "dead_letters": {Role.SUPERVISOR, Role.ADMIN, access.SUPERUSER},
}


def can(user, action: str, jurisdiction_id: int) -> bool:
    """True when `user` may do `action` (a key of RULES) for that jurisdiction's connectors."""
    return bool(RULES[action] & access.jurisdiction_roles(user, jurisdiction_id))


def jurisdictions_for(user, action: str):
    """Active jurisdictions where `user` may do `action`."""
    return access.jurisdictions_with_roles(user, RULES[action])


def require(user, action: str) -> None:
    """PermissionDenied unless the user may do `action` somewhere (and passed two-factor)."""
    access.require_staff(user)
    if not jurisdictions_for(user, action).exists():
        raise PermissionDenied(_("Your role does not include work-order connectors."))


def get_connector(user, pk: int, action: str = "configure"):
    """The connector, or Http404 when the user may not do `action` to it."""
    from .models import Connector

    access.require_staff(user)
    connector = Connector.objects.select_related("jurisdiction").filter(pk=pk).first()
    if connector is None or not can(user, action, connector.jurisdiction_id):
        raise Http404(_("No connector you can manage has that number."))
    return connector


def get_record(user, pk: int):
    """A sync record whose dead letter the user may handle, or Http404."""
    from .models import SyncRecord

    access.require_staff(user)
    record = SyncRecord.objects.select_related("connector", "request").filter(pk=pk).first()
    if record is None or not can(user, "dead_letters", record.jurisdiction_id):
        raise Http404(_("No sync record you can manage has that number."))
    return record
