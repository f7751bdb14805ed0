"""Who may compose and send newsletter issues: staff write, supervisors and admins send (it reaches everyone)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from civicdesk.meetings.access import jurisdictions_with_roles
from civicdesk.staff import access

Role = access.Role

RULES: dict[str, set[str]] = {
    "compose_issue": {Role.STAFF, Role.SUPERVISOR, Role.ADMIN, access.SUPERUSER},
    "send_issue": {Role.SUPERVISOR, Role.ADMIN, access.SUPERUSER},
}


def can(user, action: str, jurisdiction_id: int) -> bool:
    return bool(RULES[action] & access.jurisdiction_roles(user, jurisdiction_id))


def jurisdictions_for(user, action: str):
    return jurisdictions_with_roles(user, RULES[action])


def require_newsletter_staff(user) -> None:
    """PermissionDenied unless the user may compose issues somewhere (and passed two-factor)."""
    access.require_staff(user)
    if not jurisdictions_for(user, "compose_issue").exists():
        raise PermissionDenied(_("Your role does not include the newsletter."))


def get_issue_for_staff(user, pk: int, action: str = "compose_issue"):
    from .models import Issue

    access.require_staff(user)
    issue = Issue.objects.select_related("jurisdiction").filter(pk=pk).first()
    if issue is None or not can(user, "compose_issue", issue.jurisdiction_id):
        raise Http404(_("No newsletter issue you can see has that number."))
    if not can(user, action, issue.jurisdiction_id):
        raise PermissionDenied(_("Your role may write issues but not send them."))
    return issue
