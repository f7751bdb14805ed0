"""Background work for staff import: the invitation emails and the notes to people given new seats, sent through
notifications.notify() (so each goes out once, is recorded as a Delivery and honours opt-outs)."""

from __future__ import annotations

from django.conf import settings
from django_tasks import task

SCOPE = "staff-invitations"


def _recipient(user):
    from civicdesk.notifications.services import Recipient

    return Recipient(email=user.email, language=user.language, name=user.get_full_name(), user_id=user.pk)


def _seat_lines(seats) -> list[str]:
    from civicdesk.jurisdictions.models import StaffMembership

    return [f"{StaffMembership.Role(seat.role).label} — {seat.department.name if seat.department else ''}"
            f"{' · ' if seat.department else ''}{seat.jurisdiction.name}" for seat in seats]


@task()
def send_staff_invitations(*, invitation_ids: list[int]) -> int:
    """Queue the invitation email of each pending invitation; returns how many were queued. Safe to run twice:
    an invitation's email is keyed by how many times it was sent, so a repeat queues nothing new."""
    from civicdesk.jurisdictions.models import StaffMembership
    from civicdesk.notifications.services import notify

    from .invitations import invitation_url
    from .models import StaffInvitation

    invitations = list(StaffInvitation.objects.select_related("user", "jurisdiction", "invited_by")
                       .filter(pk__in=invitation_ids, accepted_at__isnull=True, user__is_active=True))
    seats: dict[int, list] = {}
    for seat in (StaffMembership.objects.select_related("jurisdiction", "department")
                 .filter(user_id__in=[i.user_id for i in invitations]).order_by("jurisdiction__name", "pk")):
        seats.setdefault(seat.user_id, []).append(seat)
    queued = 0
    for invitation in invitations:
        queued += notify(event="staff.invited", key=f"staff-invitation:{invitation.pk}:{invitation.times_sent}",
                         recipients=[_recipient(invitation.user)], template="onboarding/email/staff_invitation",
                         context={"invitation": invitation, "url": invitation_url(invitation),
                                  "seats": _seat_lines(seats.get(invitation.user_id, [])),
                                  "days": settings.STAFF_INVITATION_DAYS, "user": invitation.user},
                         scope=SCOPE)
    return queued


@task()
def send_seat_notices(*, batch: str, notices: list[list]) -> int:
    """Tell people who already have an account which seats an import gave or changed (no password, no link
    beyond sign-in). `notices` is [[user id, ["jurisdiction id:department id:role", ...]], ...]."""
    from civicdesk.accounts.models import User
    from civicdesk.jurisdictions.models import Department, Jurisdiction, StaffMembership
    from civicdesk.notifications.services import notify

    specs = [(int(user_id), [spec.split(":") for spec in seats]) for user_id, seats in notices]
    users = User.objects.in_bulk([user_id for user_id, _seats in specs])
    jurisdictions = Jurisdiction.objects.in_bulk({int(j) for _u, seats in specs for j, _d, _r in seats})
    departments = Department.objects.in_bulk({int(d) for _u, seats in specs for _j, d, _r in seats if d})
    queued = 0
    for user_id, seats in specs:
        user = users.get(user_id)
        if user is None or not user.is_active:
            continue
        lines = [StaffMembership(jurisdiction=jurisdictions[int(j)], department=departments.get(int(d)) if d else None,
                                 role=role) for j, d, role in seats if int(j) in jurisdictions]
        queued += notify(event="staff.seats_given", key=f"staff-seats:{batch}:{user_id}",
                         recipients=[_recipient(user)], template="onboarding/email/staff_seats",
                         context={"seats": _seat_lines(lines), "user": user,
                                  "sign_in_url": settings.SITE_URL + "/account/login/?next=/staff/"},
                         scope=SCOPE)
    return queued
