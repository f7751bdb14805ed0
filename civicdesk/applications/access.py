"""Who may see and do what with applications: every rule stated here, once.

Applicants see only their own applications. In the staff console a seat reaches an application of its
jurisdiction when the seat has no department (administrators, jurisdiction-wide supervisors) or when the
application sits with the seat's department (the department of its current step, or the one it was assigned
to), or when it is assigned to the person. Agents, contractors and editors reach none. Only administrators
(and superusers) configure application types.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from civicdesk.staff import access

Role = access.Role
SUPERUSER = access.SUPERUSER
REVIEW_ROLES = {Role.STAFF, Role.SUPERVISOR, Role.ADMIN}

#: What each role may do with an application it reaches.
RULES: dict[str, set[str]] = {
    "view": {Role.STAFF, Role.SUPERVISOR, Role.ADMIN, SUPERUSER},
    "review": {Role.STAFF, Role.SUPERVISOR, Role.ADMIN, SUPERUSER},  # checklist, notes, steps, more information
    "assign": {Role.SUPERVISOR, Role.ADMIN, SUPERUSER},
    "revoke": {Role.SUPERVISOR, Role.ADMIN, SUPERUSER},
}


@dataclass(frozen=True)
class Reach:
    """One simple part of what a user reaches in the console: a jurisdiction's applications, or those of it that
    sit with a department, or those of it assigned to one person. What a user reaches is the union of their
    reaches; each is served by one index (see queues.py)."""

    jurisdiction_id: int
    department_id: int | None = None
    assignee_id: int | None = None

    def q(self) -> Q:
        q = Q(jurisdiction_id=self.jurisdiction_id)
        if self.department_id is not None:
            q &= Q(department_id=self.department_id)
        if self.assignee_id is not None:
            q &= Q(assignee_id=self.assignee_id)
        return q


def reaches(user) -> list[Reach]:
    """What the user reaches, seat by seat: a seat without a department reaches its jurisdiction; a seat with one
    reaches the department's applications and those assigned to the user, in its jurisdiction. A superuser
    reaches every jurisdiction. In seat order, without duplicates or reaches inside a whole jurisdiction reached."""
    from civicdesk.jurisdictions.models import Jurisdiction

    if getattr(user, "is_superuser", False):
        return [Reach(pk) for pk in Jurisdiction.objects.order_by("pk").values_list("pk", flat=True)]
    found: list[Reach] = []
    for seat in access.seats(user):
        if seat.role not in REVIEW_ROLES:
            continue
        parts = [Reach(seat.jurisdiction_id)] if seat.department_id is None else [
            Reach(seat.jurisdiction_id, department_id=seat.department_id),
            Reach(seat.jurisdiction_id, assignee_id=user.pk)]
        found += [part for part in parts if part not in found]
    # A whole jurisdiction holds every narrower reach in it.
    whole = {reach.jurisdiction_id for reach in found if reach.department_id is None and reach.assignee_id is None}
    return [reach for reach in found if reach.jurisdiction_id not in whole
            or (reach.department_id is None and reach.assignee_id is None)]


def visibility_q(user) -> Q | None:
    """The filter of applications the user reaches in the console; None means every one (superuser). Drafts
    are the applicant's own business and never reached."""
    if getattr(user, "is_superuser", False):
        return None
    q = Q(pk__in=[])
    for reach in reaches(user):
        q |= reach.q()
    return q


def applications_for_staff(user):
    from .models import Application

    queryset = Application.objects.exclude(status=Application.Status.DRAFT)
    q = visibility_q(user)
    return queryset if q is None else queryset.filter(q)


def roles_for(user, application) -> set[str]:
    """The roles through which `user` reaches `application` (empty when they do not)."""
    if getattr(user, "is_superuser", False):
        return {SUPERUSER}
    found = set()
    for seat in access.seats(user):
        if seat.jurisdiction_id != application.jurisdiction_id or seat.role not in REVIEW_ROLES:
            continue
        if seat.department_id is None or seat.department_id == application.department_id \
                or application.assignee_id == user.pk:
            found.add(seat.role)
    return found


def can(user, action: str, application) -> bool:
    if action == "decide":
        roles = roles_for(user, application)
        return SUPERUSER in roles or bool(roles & application.application_type.decider_roles())
    return bool(roles_for(user, application) & RULES[action])


def may_review(user) -> bool:
    """True when the user holds a seat that reviews applications (the console shows the queues link)."""
    return getattr(user, "is_superuser", False) or any(seat.role in REVIEW_ROLES for seat in access.seats(user))


def require_reviewer(user) -> None:
    access.require_staff(user)
    if not may_review(user):
        raise PermissionDenied(_("Your role does not include permits and licences."))


def get_application_for_staff(user, pk: int, action: str = "view"):
    """The application for the console, Http404 when the user does not reach it, PermissionDenied when they
    reach it but may not do `action`."""
    require_reviewer(user)
    application = (applications_for_staff(user)
                   .select_related("application_type", "jurisdiction", "applicant", "step", "department", "assignee")
                   .filter(pk=pk).first())
    if application is None:
        raise Http404(_("No application you can see has that number."))
    if not can(user, action, application):
        raise PermissionDenied(_("Your role does not allow this on this application."))
    return application


def get_application_for_applicant(user, pk: int):
    """The applicant's own application, or Http404 (someone else's looks exactly like a missing one)."""
    from .models import Application

    application = (Application.objects.select_related("application_type", "jurisdiction", "step")
                   .filter(pk=pk, applicant_id=getattr(user, "pk", None)).first())
    if application is None:
        raise Http404(_("You have no application with that number."))
    return application


def config_jurisdictions(user):
    """Jurisdictions whose application types the user may configure: administrators' (and superusers')."""
    return access.jurisdictions_with_roles(user, {Role.ADMIN})


def require_configurer(user) -> None:
    access.require_staff(user)
    if not config_jurisdictions(user).exists():
        raise PermissionDenied(_("Only the jurisdiction's administrators configure permits and licences."))


def get_type_for_config(user, pk: int):
    from .models import ApplicationType

    require_configurer(user)
    found = ApplicationType.objects.select_related("form", "jurisdiction").filter(
        pk=pk, jurisdiction__in=config_jurisdictions(user)).first()
    if found is None:
        raise Http404(_("No application type you can configure has that number."))
    return found
