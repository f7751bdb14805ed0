"""Who may handle money in the staff console: every payment rule is stated here, once.

Like service notices (staff/access.JURISDICTION_RULES), a seat counts in its whole jurisdiction whatever its
department: a bill belongs to the city, not to one crew. Cashiers and finance supervisors reach no service request
(staff/access.NO_REQUEST_ROLES); request-handling seats reach no money, and a jurisdiction admin only reads the
finance dashboard (who configures the system does not also move its money).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from civicdesk.staff import access

Role = access.Role
SUPERUSER = access.SUPERUSER

#: What each seat may do with its jurisdiction's bills and payments. Approving a refund also needs a person other
#: than the one who asked for it (services.approve_refund checks that, whatever the roles).
RULES: dict[str, set[str]] = {
    # Find an account and its bills at the counter, and take cash, a cheque or a card-terminal payment.
    "take_payment": {Role.CASHIER, Role.FINANCE_SUPERVISOR, SUPERUSER},
    # Ask for a payment (or part of it) to be given back, with a reason.
    "request_refund": {Role.CASHIER, Role.FINANCE_SUPERVISOR, SUPERUSER},
    # Approve or reject someone else's refund request: the money leaves the city here.
    "approve_refund": {Role.FINANCE_SUPERVISOR, SUPERUSER},
    # Collected per day and method, outstanding and overdue balances.
    "view_finance": {Role.FINANCE_SUPERVISOR, Role.ADMIN, SUPERUSER},
    # The general-ledger CSV for the city's finance system.
    "export_ledger": {Role.FINANCE_SUPERVISOR, SUPERUSER},
    # See the differences between provider payouts and the ledger, run the match, resolve them with a note.
    "reconcile": {Role.FINANCE_SUPERVISOR, SUPERUSER},
}

#: Every seat that has some use for the payments console.
MONEY_ROLES = frozenset().union(*RULES.values()) - {SUPERUSER}

_REFUSALS = {
    "take_payment": _("Your role does not include taking payments."),
    "request_refund": _("Your role does not include asking for refunds."),
    "approve_refund": _("Only a finance supervisor may approve or reject refunds."),
    "view_finance": _("Your role does not include the finance dashboard."),
    "export_ledger": _("Only a finance supervisor may export the general ledger."),
    "reconcile": _("Only a finance supervisor may reconcile payouts."),
}


def can(user, action: str, jurisdiction_id: int) -> bool:
    """True when `user` may do `action` (a key of RULES) with that jurisdiction's money."""
    return bool(RULES[action] & access.jurisdiction_roles(user, jurisdiction_id))


def jurisdiction_ids_for(user, action: str) -> set[int] | None:
    """The jurisdictions where `user` may do `action`; None means every one (superuser), empty for nobody."""
    if not getattr(user, "is_authenticated", False):
        return set()
    if user.is_superuser:
        return None
    return {seat.jurisdiction_id for seat in access.seats(user) if seat.role in RULES[action]}


def jurisdictions_for(user, action: str):
    """Active jurisdictions (by name) where `user` may do `action`."""
    return access.jurisdictions_with_roles(user, RULES[action])


def allowed_actions(user) -> set[str]:
    """The actions of RULES `user` may do somewhere (the console shows only those links)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    if user.is_superuser:
        return set(RULES)
    roles = {seat.role for seat in access.seats(user)}
    return {action for action, allowed in RULES.items() if roles & allowed}


def require(user, action: str) -> None:
    """PermissionDenied unless `user` is staff (two-factor passed) and may do `action` in some jurisdiction."""
    access.require_staff(user)
    if action not in allowed_actions(user):
        raise PermissionDenied(_REFUSALS[action])


def require_in(user, action: str, jurisdiction_id: int) -> None:
    """PermissionDenied unless `user` may do `action` in that jurisdiction."""
    access.require_staff(user)
    if not can(user, action, jurisdiction_id):
        raise PermissionDenied(_REFUSALS[action])


def _in_reach(user, action: str, jurisdiction_id: int, missing: str):
    """Http404 (`missing`) unless `user` may do `action` in the jurisdiction: what lies outside one's
    jurisdictions is not even confirmed to exist."""
    from django.http import Http404

    access.require_staff(user)
    if not can(user, action, jurisdiction_id):
        if action in allowed_actions(user):
            raise Http404(missing)
        raise PermissionDenied(_REFUSALS[action])


def get_account_for_staff(user, pk: int, action: str = "take_payment"):
    """The billing account, or Http404 when it does not exist or lies outside the user's reach for `action`;
    PermissionDenied when the user's role does not include `action` at all."""
    from django.http import Http404

    from .models import BillingAccount

    access.require_staff(user)
    account = BillingAccount.objects.select_related("jurisdiction").filter(pk=pk).first()
    if account is None:
        require(user, action)
        raise Http404(_("No account you can see has that number."))
    _in_reach(user, action, account.jurisdiction_id, _("No account you can see has that number."))
    return account


def get_payment_for_staff(user, reference: str, action: str = "request_refund"):
    """The payment by its public reference, with the same answers as get_account_for_staff."""
    from django.http import Http404

    from .models import Payment

    access.require_staff(user)
    payment = (Payment.objects.select_related("account__jurisdiction", "bill", "taken_by", "tender")
               .filter(reference=(reference or "").strip().upper()).first())
    if payment is None:
        require(user, action)
        raise Http404(_("No payment you can see has that reference."))
    _in_reach(user, action, payment.account.jurisdiction_id, _("No payment you can see has that reference."))
    return payment


def get_refund_for_staff(user, pk: int, action: str = "approve_refund"):
    """The refund, with the same answers as get_account_for_staff."""
    from django.http import Http404

    from .models import Refund

    access.require_staff(user)
    refund = (Refund.objects.select_related("payment__account__jurisdiction", "requested_by", "approved_by")
              .filter(pk=pk).first())
    if refund is None:
        require(user, action)
        raise Http404(_("No refund you can see has that number."))
    _in_reach(user, action, refund.payment.account.jurisdiction_id, _("No refund you can see has that number."))
    return refund


def require_any(user, actions: set[str] | None = None) -> set[str]:
    """The actions among `actions` (all by default) `user` may do somewhere; PermissionDenied when none."""
    access.require_staff(user)
    allowed = allowed_actions(user) & (actions if actions is not None else set(RULES))
    if not allowed:
        raise PermissionDenied(_("Your role does not include bills and payments."))
    return allowed
