"""Single sign-on work: finding or creating the account, bringing its seats in line with the claims, the rules
on passwords, and the audit trail of every sign-in and refusal."""

from __future__ import annotations

import logging
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from civicdesk.accounts.hooks import SignInOption
from civicdesk.audit.models import AuditEntry
from civicdesk.jurisdictions.models import StaffMembership

from . import config
from .models import SsoIdentity, SsoJurisdictionPolicy, SsoRoleMapping, SsoSeat
from .oidc import Refused

log = logging.getLogger(__name__)

#: What a refused person reads, by reason code (the code and any technical detail go to the audit log only).
REFUSALS = {
    "provider_error": _("The sign-in service reported a problem and did not sign you in. Please try again."),
    "unknown_state": _("This sign-in has expired or was already used. Please start again from the sign-in page."),
    "provider_unreachable": _("The sign-in service could not be reached. Please try again in a few minutes, "
                              "or sign in with your password if your city allows it."),
    "wrong_audience": _("The sign-in service vouched for you to another application, not to CivicDesk, "
                        "so you were not signed in."),
    "wrong_issuer": _("The answer did not come from the sign-in service CivicDesk trusts, so you were not "
                      "signed in."),
    "expired": _("The sign-in answer had expired before it reached CivicDesk. Please start again."),
    "bad_signature": _("The sign-in answer was not signed by the sign-in service CivicDesk trusts, so you "
                       "were not signed in."),
    "invalid_token": _("The sign-in answer could not be read, so you were not signed in."),
    "nonce_mismatch": _("The sign-in answer belongs to another sign-in, so you were not signed in. "
                        "Please start again."),
    "replayed_nonce": _("This sign-in answer was already used once and cannot be used again. Please start again."),
    "unknown_user": _("There is no staff account for you yet. Ask your city's CivicDesk administrator to "
                      "create one with your work email address."),
    "subject_mismatch": _("This CivicDesk account is linked to another person at the sign-in service. "
                          "Ask your city's CivicDesk administrator for help."),
    "inactive": _("This account is not active."),
    "no_seat": _("Single sign-on is for city staff, and none of your groups gives you a seat in CivicDesk. "
                 "Ask your city's CivicDesk administrator to add your group."),
    "limited": _("Too many sign-in attempts from this connection. Please wait an hour and try again."),
}

#: When two mappings give the same seat different roles, the one earlier here wins.
ROLE_PRECEDENCE = [StaffMembership.Role.ADMIN, StaffMembership.Role.SUPERVISOR, StaffMembership.Role.STAFF,
                   StaffMembership.Role.EDITOR, StaffMembership.Role.FINANCE_SUPERVISOR, StaffMembership.Role.CASHIER,
                   StaffMembership.Role.AGENT, StaffMembership.Role.CONTRACTOR]


def audit(action: str, *, user=None, jurisdiction_id: int | None = None, data: dict | None = None) -> AuditEntry:
    """One audit entry about a person's sign-in (the account's, or "none" when no account was found)."""
    return AuditEntry.objects.create(
        action=action, actor=user if user is not None and user.pk else None, object_type="accounts.user",
        object_id=str(user.pk) if user is not None and user.pk else "none", jurisdiction_id=jurisdiction_id,
        data=data or {})


def record_refusal(refused: Refused, *, user=None, claims: dict | None = None, client: str = "") -> str:
    """Audit a refused single sign-on (reason, detail, who the provider said it was) and return what the person
    reads."""
    claims = claims or {}
    audit("sso.refused", user=user, data={
        "reason": refused.reason, "detail": refused.detail[:300], "client": client,
        "subject": str(claims.get("sub", ""))[:255], "email": str(claims.get("email", ""))[:254]})
    log.info("sso: refused (%s) %s", refused.reason, refused.detail)
    return str(REFUSALS[refused.reason])


# --- The sign-in page and passwords ----------------------------------------------------------------------------------

def sign_in_options(request) -> list[SignInOption]:
    """The "Sign in with <provider>" button for the sign-in page (accounts.hooks), when single sign-on is on."""
    if not config.is_enabled():
        return []
    url = reverse("sso:start")
    next_url = request.GET.get("next") or request.POST.get("next")
    if next_url:
        url += "?" + urlencode({"next": next_url})
    return [SignInOption(label=gettext("Sign in with %(provider)s") % {"provider": settings.SSO_OIDC_PROVIDER_NAME},
                         url=url)]


def password_refusal(user, request) -> str | None:
    """Why `user` may not sign in with a password (accounts.hooks), or None.

    Refused when single sign-on is on and every one of the user's seats is in
    a jurisdiction whose rule turns passwords off. Superusers are never refused
    (break-glass access, docs/sso.md); nor is anyone without a seat (residents).
    """
    if not config.is_enabled() or user is None or user.is_superuser:
        return None
    jurisdiction_ids = set(StaffMembership.objects.filter(user=user).values_list("jurisdiction_id", flat=True))
    if not jurisdiction_ids:
        return None
    closed = set(SsoJurisdictionPolicy.objects.filter(jurisdiction_id__in=jurisdiction_ids, passwords_allowed=False)
                 .values_list("jurisdiction_id", flat=True))
    if closed != jurisdiction_ids:
        return None
    audit("sso.password_refused", user=user, jurisdiction_id=min(closed),
          data={"reason": "sso_only", "jurisdictions": sorted(closed)})
    return gettext("Your city signs staff in with %(provider)s only. Use the “Sign in with %(provider)s” "
                   "button below.") % {"provider": settings.SSO_OIDC_PROVIDER_NAME}


# --- Signing in --------------------------------------------------------------------------------------------------------

def groups_in(claims: dict) -> list[str]:
    """The group or role values of the configured claim: a list of strings, or one string, else []."""
    value = claims.get(settings.SSO_OIDC_GROUPS_CLAIM)
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [str(item) for item in value if isinstance(item, str | int)]
    return []


def verified_email(claims: dict) -> str:
    """The email address the provider vouches for, in lower case; "" otherwise.

    Vouched for: `email_verified` is true, or the provider sends no
    `email_verified` at all and SSO_OIDC_TRUST_EMAIL says its addresses are
    its own (Microsoft Entra ID, whose addresses come from the tenant's verified domains).
    """
    email = claims.get("email")
    if not isinstance(email, str) or "@" not in email:
        return ""
    verified = claims.get("email_verified")
    if verified is True or (verified is None and settings.SSO_OIDC_TRUST_EMAIL):
        return email.strip().lower()
    return ""


def creates_accounts(mappings: list[SsoRoleMapping]) -> bool:
    """True when an unknown person with these mapped seats may get an account: the setting, or a mapped
    jurisdiction's rule."""
    if settings.SSO_CREATE_ACCOUNTS:
        return True
    ids = {mapping.jurisdiction_id for mapping in mappings}
    return SsoJurisdictionPolicy.objects.filter(jurisdiction_id__in=ids, create_accounts=True).exists()


def _find_or_create_user(claims: dict, mappings: list[SsoRoleMapping]):
    """The account for these claims: linked by `sub`, else by verified email; created only when allowed.

    Raises Refused("unknown_user") or Refused("subject_mismatch").
    """
    User = get_user_model()
    identity = (SsoIdentity.objects.select_related("user")
                .filter(issuer=settings.SSO_OIDC_ISSUER, subject=str(claims["sub"])).first())
    if identity is not None:
        return identity.user
    email = verified_email(claims)
    user = User.objects.filter(email__iexact=email).first() if email else None
    if user is not None:
        if SsoIdentity.objects.filter(user=user).exists():
            raise Refused("subject_mismatch", f"account {user.pk} is linked to another subject")
        return user
    if not email or not mappings or not creates_accounts(mappings):
        raise Refused("unknown_user", "no account with this subject or verified email")
    user = User.objects.create_user(email=email, password=None)
    user.first_name = str(claims.get("given_name", ""))[:150]
    user.last_name = str(claims.get("family_name", ""))[:150]
    user.save(update_fields=["first_name", "last_name"])
    audit("sso.account_created", user=user, jurisdiction_id=mappings[0].jurisdiction_id, data={"email": email})
    return user


def _desired_seats(mappings: list[SsoRoleMapping]) -> dict[tuple[int, int | None], str]:
    """(jurisdiction id, department id) → role for the mapped rows, the highest role winning a tie."""
    desired: dict[tuple[int, int | None], str] = {}
    for mapping in mappings:
        seat = (mapping.jurisdiction_id, mapping.department_id)
        if seat not in desired or ROLE_PRECEDENCE.index(mapping.role) < ROLE_PRECEDENCE.index(desired[seat]):
            desired[seat] = mapping.role
    return desired


def sync_seats(user, mappings: list[SsoRoleMapping]) -> dict[str, list]:
    """Bring the user's single sign-on seats in line with the mapped rows; seats given by hand are left alone.

    Adds the missing seats (marked SsoSeat), changes the role of SSO seats
    whose mapped role changed, and removes SSO seats no row maps any more.
    Returns {"added": [...], "changed": [...], "removed": [...]} as
    (jurisdiction id, department id, role) triples, each change audit-logged.
    """
    desired = _desired_seats(mappings)
    current = {(m.jurisdiction_id, m.department_id): m
               for m in StaffMembership.objects.filter(user=user).select_related("sso_grant")}
    changes: dict[str, list] = {"added": [], "changed": [], "removed": []}
    for (jurisdiction_id, department_id), role in desired.items():
        membership = current.get((jurisdiction_id, department_id))
        if membership is None:
            membership = StaffMembership.objects.create(user=user, jurisdiction_id=jurisdiction_id,
                                                        department_id=department_id, role=role)
            SsoSeat.objects.create(membership=membership)
            changes["added"].append((jurisdiction_id, department_id, role))
        elif hasattr(membership, "sso_grant") and membership.role != role:
            membership.role = role
            membership.save(update_fields=["role"])
            changes["changed"].append((jurisdiction_id, department_id, role))
    for seat, membership in current.items():
        if seat not in desired and hasattr(membership, "sso_grant"):
            changes["removed"].append((*seat, membership.role))
            membership.delete()
    for kind, seats in changes.items():
        for jurisdiction_id, department_id, role in seats:
            audit(f"sso.seat_{kind}", user=user, jurisdiction_id=jurisdiction_id,
                  data={"department": department_id, "role": role})
    return changes


def sign_in(claims: dict, *, client: str = ""):
    """The account for a verified ID token's claims, its seats brought in line with its groups, all or nothing.

    Raises Refused when no account may be used (unknown with account creation
    off, linked to someone else, inactive). The caller still refuses a person
    left without a staff seat, after this has committed the removal of seats.
    """
    groups = groups_in(claims)
    with transaction.atomic():
        mappings = list(SsoRoleMapping.objects.filter(claim_value__in=groups).order_by("id")) if groups else []
        user = _find_or_create_user(claims, mappings)
        if not user.is_active:
            raise Refused("inactive")
        identity, created = SsoIdentity.objects.get_or_create(
            user=user, defaults={"issuer": settings.SSO_OIDC_ISSUER, "subject": str(claims["sub"])})
        if identity.subject != str(claims["sub"]) or identity.issuer != settings.SSO_OIDC_ISSUER:
            raise Refused("subject_mismatch", f"account {user.pk} is linked to another subject")
        identity.last_sign_in_at = timezone.now()
        identity.save(update_fields=["last_sign_in_at"])
        changes = sync_seats(user, mappings)
        if created:
            audit("sso.linked", user=user, data={"subject": identity.subject, "issuer": identity.issuer})
    return user, changes


def has_staff_seat(user) -> bool:
    """True when single sign-on may let this person in: a staff seat, or a superuser or `is_staff` account."""
    return user.is_superuser or user.is_staff or StaffMembership.objects.filter(user=user).exists()
