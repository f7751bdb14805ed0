"""Who may see and change which request in the staff console: every rule is stated here, once."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from civicdesk.jurisdictions.models import StaffMembership, seats_of
from civicdesk.lib.ids import normalize_public_id
from civicdesk.servicerequests.models import ServiceRequest

Role = StaffMembership.Role
SUPERUSER = "superuser"

#: Which seats may do what to a request they can see. A seat only counts for
#: requests inside its scope (see `_seat_covers`), so "staff" here means
#: "staff of the request's department".
#: Seats that work elsewhere in the console and reach no service request at all: editors write the help content
#: (civicdesk/editorial); cashiers and finance supervisors handle money (civicdesk/payments, whose rules sit in
#: its own access.py).
NO_REQUEST_ROLES = frozenset({Role.EDITOR, Role.CASHIER, Role.FINANCE_SUPERVISOR})

RULES: dict[str, set[str]] = {
    "view": {Role.AGENT, Role.STAFF, Role.SUPERVISOR, Role.ADMIN, Role.CONTRACTOR, SUPERUSER},
    "see_contact": {Role.AGENT, Role.STAFF, Role.SUPERVISOR, Role.ADMIN, SUPERUSER},
    "note": {Role.AGENT, Role.STAFF, Role.SUPERVISOR, Role.ADMIN, Role.CONTRACTOR, SUPERUSER},
    "transition": {Role.AGENT, Role.STAFF, Role.SUPERVISOR, Role.ADMIN, Role.CONTRACTOR, SUPERUSER},
    # Agents take calls and may move a request along, but never close one.
    "close": {Role.STAFF, Role.SUPERVISOR, Role.ADMIN, Role.CONTRACTOR, SUPERUSER},
    "assign": {Role.STAFF, Role.SUPERVISOR, Role.ADMIN, SUPERUSER},
    # Taking work from a colleague is a supervisor's call.
    "reassign": {Role.SUPERVISOR, Role.ADMIN, SUPERUSER},
    "transfer": {Role.STAFF, Role.SUPERVISOR, Role.ADMIN, SUPERUSER},
    "set_priority": {Role.STAFF, Role.SUPERVISOR, Role.ADMIN, SUPERUSER},
    "change_category": {Role.STAFF, Role.SUPERVISOR, Role.ADMIN, SUPERUSER},
    "hide_attachment": {Role.STAFF, Role.SUPERVISOR, Role.ADMIN, SUPERUSER},
    "merge": {Role.SUPERVISOR, Role.ADMIN, SUPERUSER},
    "redact": {Role.STAFF, Role.SUPERVISOR, Role.ADMIN, SUPERUSER},
    # The text a resident posted by mistake stays readable only to those who answer for the jurisdiction.
    "see_redacted": {Role.ADMIN, SUPERUSER},
    "move_pin": {Role.STAFF, Role.SUPERVISOR, Role.ADMIN, SUPERUSER},
    "set_privacy": {Role.STAFF, Role.SUPERVISOR, Role.ADMIN, SUPERUSER},
}


def seats(user) -> list[StaffMembership]:
    """The user's staff memberships, read once per user object (one query)."""
    return seats_of(user)


def is_staff_member(user) -> bool:
    """True for superusers and anyone holding at least one staff seat."""
    return bool(getattr(user, "is_authenticated", False) and (user.is_superuser or seats(user)))


def reaches_private_types(seat: StaffMembership) -> bool:
    """True for the seats that see every private (sensitive) service type of their jurisdiction: its
    administrators and jurisdiction-wide supervisors (a supervisor seat without a department)."""
    return seat.role == Role.ADMIN or (seat.role == Role.SUPERVISOR and seat.department_id is None)


def _routed_type_ids(department_id: int):
    """Ids of the service types a routing rule sends to the department (a subquery)."""
    from civicdesk.catalog.models import RoutingRule

    return (RoutingRule.service_types.through.objects.filter(routingrule__department_id=department_id)
            .values("servicetype_id"))


def _private_types_q(seat: StaffMembership) -> Q:
    """The part of a seat's reach that private service types (tax accounts, records requests) must also pass:
    only the department handling them (the request's department, or, while it waits in triage, a department
    its type is routed to) and the seats of `reaches_private_types` read them. Contractors keep their own rule
    (only what is assigned to them)."""
    if reaches_private_types(seat) or seat.role == Role.CONTRACTOR:
        return Q()
    public_type = Q(service_type__is_private=False)
    if seat.department_id is None:
        return public_type
    handled = Q(department_id=seat.department_id) | (
        Q(department__isnull=True) & Q(service_type_id__in=_routed_type_ids(seat.department_id)))
    return public_type | handled


def _seat_q(user, seat: StaffMembership) -> Q:
    """The requests one seat reaches."""
    return _seat_reach_q(user, seat) & _private_types_q(seat)


def _seat_reach_q(user, seat: StaffMembership) -> Q:
    """The requests one seat reaches by jurisdiction, department and assignment, before private types."""
    if seat.role in NO_REQUEST_ROLES:
        return Q(pk__in=[])
    in_jurisdiction = Q(jurisdiction_id=seat.jurisdiction_id)
    if seat.role in (Role.AGENT, Role.ADMIN):
        return in_jurisdiction
    if seat.role == Role.CONTRACTOR:
        return in_jurisdiction & Q(assignee_id=user.pk)
    # Staff and supervisors: their department's work, plus the unrouted triage
    # queue of their jurisdiction so someone can route it.
    triage = in_jurisdiction & Q(department__isnull=True)
    if seat.department_id is None:
        return triage
    return (in_jurisdiction & Q(department_id=seat.department_id)) | triage


def _seat_covers(user, seat: StaffMembership, request: ServiceRequest) -> bool:
    """The same rule as `_seat_q`, for one request already in memory."""
    if request.jurisdiction_id != seat.jurisdiction_id or seat.role in NO_REQUEST_ROLES:
        return False
    if not _seat_covers_private_type(seat, request):
        return False
    if seat.role in (Role.AGENT, Role.ADMIN):
        return True
    if seat.role == Role.CONTRACTOR:
        return request.assignee_id == user.pk
    return request.department_id is None or (
        seat.department_id is not None and request.department_id == seat.department_id)


def _seat_covers_private_type(seat: StaffMembership, request: ServiceRequest) -> bool:
    """The same rule as `_private_types_q`, for one request already in memory."""
    if not request.service_type.is_private or reaches_private_types(seat) or seat.role == Role.CONTRACTOR:
        return True
    if seat.department_id is None:
        return False
    if request.department_id is not None:
        return request.department_id == seat.department_id
    # Read once per seat object (seats() keeps them for the user), not once per action checked.
    routed = getattr(seat, "_routed_type_ids", None)
    if routed is None:
        routed = seat._routed_type_ids = set(_routed_type_ids(seat.department_id).values_list("servicetype_id",
                                                                                              flat=True))
    return request.service_type_id in routed


def private_types_q(user) -> Q | None:
    """A filter keeping only the private-type requests the user's seats may read (all other requests pass);
    None for superusers. For queues that are built from seats without `visibility_q` (see services.queue)."""
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    if user.is_superuser:
        return None
    readable = Q(pk__in=[])
    for seat in seats(user):
        readable |= Q(jurisdiction_id=seat.jurisdiction_id) & _private_types_q(seat)
    return Q(service_type__is_private=False) | readable


def visibility_q(user, *, roles: set[str] | None = None) -> Q | None:
    """A filter for the requests `user` reaches through seats with one of `roles` (all roles by default).

    None means every request (superuser); a filter matching nothing is returned
    for people without a seat.
    """
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    if user.is_superuser:
        return None
    combined = Q(pk__in=[])
    for seat in seats(user):
        if roles is None or seat.role in roles:
            combined |= _seat_q(user, seat)
    return combined


def requests_visible_to(user):
    """Every request the user may open in the staff console."""
    condition = visibility_q(user)
    queryset = ServiceRequest.objects.all()
    return queryset if condition is None else queryset.filter(condition)


def roles_for(user, request: ServiceRequest) -> set[str]:
    """The roles through which `user` reaches `request` (empty when it is out of reach)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    if user.is_superuser:
        return {SUPERUSER}
    return {seat.role for seat in seats(user) if _seat_covers(user, seat, request)}


def can(user, action: str, request: ServiceRequest) -> bool:
    """True when `user` may do `action` (a key of RULES) to `request`."""
    allowed = RULES[action]
    return any(role in allowed for role in roles_for(user, request))


def _require_two_factor(user) -> None:
    """Raise accounts.two_factor.VerificationRequired while a signed-in staff member still owes their code
    (the accounts middleware turns it into a redirect to that step)."""
    from civicdesk.accounts.two_factor import require_verified

    require_verified(user)


def require_staff(user) -> None:
    """Raise PermissionDenied unless the user holds a staff seat (or is a superuser), and
    VerificationRequired until they have passed two-factor sign-in."""
    if not is_staff_member(user):
        raise PermissionDenied(_("This page is for city staff."))
    _require_two_factor(user)


def get_request_for_staff(user, public_id: str, action: str = "view") -> ServiceRequest:
    """The request for the console, or Http404 when the user may not see it, PermissionDenied when
    they may see it but not do `action` to it."""
    require_staff(user)
    canonical = normalize_public_id(public_id)
    request = None
    if canonical:
        request = (requests_visible_to(user)
                   .select_related("service_type", "status", "jurisdiction", "department", "team", "district",
                                   "assignee", "duplicate_of", "routing_rule")
                   .filter(public_id=canonical).first())
    if request is None:
        raise Http404(_("No request you can see has that tracking number."))
    if not can(user, action, request):
        raise PermissionDenied(_("Your role does not allow this on this request."))
    return request


#: Seats that may file a request on a caller's behalf (phone or counter).
INTAKE_ROLES = {Role.AGENT, Role.STAFF, Role.SUPERVISOR, Role.ADMIN}


def may_take_reports(user) -> bool:
    """True when the user may file requests for callers: superusers and every seat but contractor."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_superuser or any(seat.role in INTAKE_ROLES for seat in seats(user))


# --- Jurisdiction-wide work: service notices (civicdesk.notices) -------------------------------------------

#: What seats may do with a jurisdiction's service notices. Unlike RULES, a seat counts in its whole
#: jurisdiction, whatever its department: a disruption is the city's news, not one crew's. Agents read
#: them to answer callers; staff draft them; only supervisors and admins put them in front of the public
#: (publish, change a published notice, end one early), because publishing also messages subscribers.
JURISDICTION_RULES: dict[str, set[str]] = {
    "view_notices": {Role.AGENT, Role.STAFF, Role.SUPERVISOR, Role.ADMIN, SUPERUSER},
    "draft_notice": {Role.STAFF, Role.SUPERVISOR, Role.ADMIN, SUPERUSER},
    "publish_notice": {Role.SUPERVISOR, Role.ADMIN, SUPERUSER},
}


def jurisdiction_roles(user, jurisdiction_id: int) -> set[str]:
    """The roles `user` holds in the jurisdiction (any department), {SUPERUSER} for superusers."""
    if not getattr(user, "is_authenticated", False):
        return set()
    if user.is_superuser:
        return {SUPERUSER}
    return {seat.role for seat in seats(user) if seat.jurisdiction_id == jurisdiction_id}


def can_in_jurisdiction(user, action: str, jurisdiction_id: int) -> bool:
    """True when `user` may do `action` (a key of JURISDICTION_RULES) in that jurisdiction."""
    allowed = JURISDICTION_RULES[action]
    return any(role in allowed for role in jurisdiction_roles(user, jurisdiction_id))


def jurisdiction_ids_for(user, action: str) -> set[int] | None:
    """The jurisdictions where `user` may do `action`; None means all of them (superuser)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    if user.is_superuser:
        return None
    allowed = JURISDICTION_RULES[action]
    return {seat.jurisdiction_id for seat in seats(user) if seat.role in allowed}


def jurisdictions_with_roles(user, roles: set[str]):
    """Active jurisdictions (by name) where `user` holds a seat of one of `roles`; all of them for superusers."""
    from civicdesk.jurisdictions.models import Jurisdiction

    queryset = Jurisdiction.objects.filter(is_active=True).order_by("name", "id")
    if getattr(user, "is_superuser", False):
        return queryset
    return queryset.filter(pk__in={seat.jurisdiction_id for seat in seats(user) if seat.role in roles})
