"""Who may work the conversation and email-report queues: the seats that take reports (agents and up) of the
jurisdiction the conversation or email belongs to, and superusers."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from civicdesk.staff import access


def jurisdiction_ids(user) -> set[int] | None:
    """Jurisdictions whose queues `user` works; None means all of them (superuser)."""
    if getattr(user, "is_superuser", False):
        return None
    return {seat.jurisdiction_id for seat in access.seats(user) if seat.role in access.INTAKE_ROLES}


def require_agent(user) -> None:
    """PermissionDenied unless the user holds a seat that takes reports (and passed two-factor)."""
    access.require_staff(user)
    if not access.may_take_reports(user):
        raise PermissionDenied(_("Your role does not include taking reports."))


def visible(queryset, user):
    """`queryset` (conversations or email reports) narrowed to the user's jurisdictions."""
    ids = jurisdiction_ids(user)
    return queryset if ids is None else queryset.filter(jurisdiction_id__in=ids)


def get_for_agent(user, model, pk: int):
    """The conversation or email report, or Http404 when it is not in the user's jurisdictions."""
    require_agent(user)
    found = visible(model.objects.select_related("jurisdiction"), user).filter(pk=pk).first()
    if found is None:
        raise Http404(_("Nothing you can work on has that number."))
    return found
