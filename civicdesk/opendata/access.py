"""Who may prepare and publish datasets: a seat counts in its whole jurisdiction, like service notices."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from civicdesk.jurisdictions.models import Jurisdiction
from civicdesk.staff import access

Role = access.Role

#: Staff upload and describe datasets; what the public sees is a supervisor's or an administrator's call.
RULES: dict[str, set[str]] = {
    "edit_dataset": {Role.STAFF, Role.SUPERVISOR, Role.ADMIN, access.SUPERUSER},
    "publish_dataset": {Role.SUPERVISOR, Role.ADMIN, access.SUPERUSER},
}


def can(user, action: str, jurisdiction_id: int) -> bool:
    """True when `user` may do `action` (a key of RULES) for that jurisdiction's datasets."""
    return bool(RULES[action] & access.jurisdiction_roles(user, jurisdiction_id))


def jurisdictions_for(user, action: str):
    """Active jurisdictions where `user` may do `action`."""
    queryset = Jurisdiction.objects.filter(is_active=True).order_by("name", "id")
    if getattr(user, "is_superuser", False):
        return queryset
    ids = {seat.jurisdiction_id for seat in access.seats(user) if seat.role in RULES[action]}
    return queryset.filter(pk__in=ids)


def require_dataset_staff(user) -> None:
    """PermissionDenied unless the user may edit some jurisdiction's datasets (and passed two-factor)."""
    access.require_staff(user)
    if not jurisdictions_for(user, "edit_dataset").exists():
        raise PermissionDenied(_("Your role does not include publishing open data."))


def get_dataset_for_staff(user, pk: int, action: str = "edit_dataset"):
    """The dataset, or Http404 when the user may not edit it, PermissionDenied when they may edit it but not
    do `action` (publishing) to it."""
    from .models import PublishedDataset

    access.require_staff(user)
    dataset = PublishedDataset.objects.select_related("jurisdiction").filter(pk=pk).first()
    if dataset is None or not can(user, "edit_dataset", dataset.jurisdiction_id):
        raise Http404(_("No dataset you can edit has that number."))
    if not can(user, action, dataset.jurisdiction_id):
        raise PermissionDenied(_("Your role may prepare datasets but not publish or withdraw them."))
    return dataset
