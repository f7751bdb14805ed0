"""Who may upload and publish library documents in the staff console: editors and jurisdiction admins."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from civicdesk.jurisdictions.models import Jurisdiction
from civicdesk.staff import access

Role = access.Role

#: Editors (the role issue 14 adds, when present) and jurisdiction admins write the library.
EDIT_ROLES: set[str] = {Role.ADMIN, access.SUPERUSER} | ({Role.EDITOR} if hasattr(Role, "EDITOR") else set())


def can_edit(user, jurisdiction_id: int) -> bool:
    """True when `user` may upload, change and publish that jurisdiction's documents."""
    return bool(EDIT_ROLES & access.jurisdiction_roles(user, jurisdiction_id))


def jurisdictions_for(user):
    """Active jurisdictions whose library `user` may edit (all of them for a superuser)."""
    queryset = Jurisdiction.objects.filter(is_active=True).order_by("name", "id")
    if getattr(user, "is_superuser", False):
        return queryset
    ids = {seat.jurisdiction_id for seat in access.seats(user) if seat.role in EDIT_ROLES}
    return queryset.filter(pk__in=ids)


def require_library_staff(user) -> list[Jurisdiction]:
    """The jurisdictions the user edits, or PermissionDenied (after the two-factor check of the console)."""
    access.require_staff(user)
    allowed = list(jurisdictions_for(user))
    if not allowed:
        raise PermissionDenied(_("Your role does not include the document library."))
    return allowed


def get_document_for_staff(user, pk: int):
    """The document, or Http404 when it is not in a jurisdiction whose library the user edits."""
    from .models import Document

    access.require_staff(user)
    document = Document.objects.select_related("jurisdiction", "department", "current_version").filter(pk=pk).first()
    if document is None or not can_edit(user, document.jurisdiction_id):
        raise Http404(_("No document you can edit has that number."))
    return document
