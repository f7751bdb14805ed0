"""Who may build surveys and read their results: a seat counts in its whole jurisdiction (like datasets)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from civicdesk.jurisdictions.models import Jurisdiction
from civicdesk.staff import access

Role = access.Role

#: Staff, supervisors and administrators build surveys, invite people and moderate answers; agents and
#: contractors do not.
RULES: dict[str, set[str]] = {
    "edit_survey": {Role.STAFF, Role.SUPERVISOR, Role.ADMIN, access.SUPERUSER},
}


def jurisdictions_for(user, action: str = "edit_survey"):
    """Active jurisdictions where `user` may do `action`."""
    queryset = Jurisdiction.objects.filter(is_active=True).order_by("name", "id")
    if getattr(user, "is_superuser", False):
        return queryset
    return queryset.filter(pk__in={seat.jurisdiction_id for seat in access.seats(user) if seat.role in RULES[action]})


def may_build_surveys(user) -> bool:
    return access.is_staff_member(user) and jurisdictions_for(user).exists()


def require_survey_staff(user) -> None:
    """PermissionDenied unless the user may build some jurisdiction's surveys (and passed two-factor)."""
    access.require_staff(user)
    if not jurisdictions_for(user).exists():
        raise PermissionDenied(_("Your role does not include surveys."))


def get_survey_for_staff(user, pk: int):
    """The survey, or Http404 when the user may not work on it."""
    from .models import Survey

    access.require_staff(user)
    survey = Survey.objects.select_related("form", "jurisdiction").filter(pk=pk).first()
    if survey is None or not (RULES["edit_survey"] & access.jurisdiction_roles(user, survey.jurisdiction_id)):
        raise Http404(_("No survey you can work on has that number."))
    return survey
