"""Who may import boundaries and read the go-live checklist: jurisdiction admins (their jurisdictions) and
superusers (all, and the only ones who may add new jurisdictions)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from civicdesk.jurisdictions.models import Jurisdiction
from civicdesk.jurisdictions.scoping import admin_jurisdiction_ids
from civicdesk.staff import access


def jurisdictions_for(user):
    """Jurisdictions whose geography and checklist `user` manages (admin seats; every one for superusers)."""
    allowed = admin_jurisdiction_ids(user)
    queryset = Jurisdiction.objects.order_by("name", "id")
    return queryset if allowed is None else queryset.filter(pk__in=allowed)


def require_onboarding_admin(user) -> None:
    """PermissionDenied unless `user` is a superuser or a jurisdiction admin (and has passed two-factor)."""
    access.require_staff(user)
    if not user.is_superuser and not jurisdictions_for(user).exists():
        raise PermissionDenied(_("Only jurisdiction administrators set up a city's geography and go-live checks."))


def get_upload_for_staff(user, pk: int):
    """The user's own pending upload, or Http404."""
    from .models import BoundaryUpload

    require_onboarding_admin(user)
    upload = BoundaryUpload.objects.select_related("jurisdiction").filter(pk=pk, uploaded_by=user).first()
    if upload is None or (upload.jurisdiction_id and not jurisdictions_for(user).filter(pk=upload.jurisdiction_id)
                          .exists()):
        raise Http404(_("No upload of yours has that number; it may have been saved already."))
    return upload


def get_staff_upload_for_staff(user, pk: int):
    """The user's own pending staff list, or Http404."""
    from .models import StaffImportUpload

    require_onboarding_admin(user)
    upload = StaffImportUpload.objects.select_related("jurisdiction").filter(pk=pk, uploaded_by=user).first()
    if upload is None:
        raise Http404(_("No staff list of yours has that number; it may have been imported already."))
    return upload


def get_invitation_for_admin(user, pk: int):
    """An invitation into a jurisdiction the user administers, or Http404."""
    from .models import StaffInvitation

    require_onboarding_admin(user)
    invitation = (StaffInvitation.objects.select_related("user", "jurisdiction")
                  .filter(pk=pk, jurisdiction__in=jurisdictions_for(user)).first())
    if invitation is None:
        raise Http404(_("No invitation into a jurisdiction you administer has that number."))
    return invitation
