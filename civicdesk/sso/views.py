"""Single sign-on pages: the redirect to the provider, its answer, and the staff console's mapping table."""

from __future__ import annotations

import logging

import requests
from django.conf import settings
from django.contrib import auth, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice

from civicdesk.staff import access
from civicdesk.throttle.services import Limit, RateLimited, check, client_ip

from . import config, services
from .forms import PolicyForm, RoleMappingForm
from .models import SsoJurisdictionPolicy, SsoRoleMapping
from .oidc import Backend, Refused, RequestView

log = logging.getLogger(__name__)

#: The django-otp device standing for "the identity provider checked the second factor" (docs/sso.md).
SSO_DEVICE_NAME = "single sign-on"
#: The session holds a sign-in by password backend id: the account is then loaded like any other.
SESSION_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _limit(request: HttpRequest) -> None:
    """Count one single sign-on step against the client's hourly limit; Refused("limited") when full."""
    try:
        check(Limit(f"sso:client:{client_ip(request)}", settings.SSO_SIGN_INS_PER_CLIENT_PER_HOUR, 3600))
    except RateLimited as exc:
        raise Refused("limited", f"retry after {exc.retry_after} s") from None


def _refused(request: HttpRequest, refused: Refused, *, claims: dict | None = None, user=None) -> HttpResponse:
    message = services.record_refusal(refused, user=user, claims=claims, client=client_ip(request))
    status = 429 if refused.reason == "limited" else 403
    return render(request, "sso/refused.html", {"message": message, "reason": refused.reason}, status=status)


@never_cache
def start(request: HttpRequest) -> HttpResponse:
    """Send the browser to the identity provider's sign-in page (404 when single sign-on is off)."""
    if not config.is_enabled():
        raise Http404(_("Single sign-on is not set up here."))
    try:
        _limit(request)
        return RequestView.as_view()(request)
    except Refused as refused:
        return _refused(request, refused)
    except requests.RequestException as exc:
        return _refused(request, Refused("provider_unreachable", str(exc)))


def _take_state(request: HttpRequest) -> dict:
    """The nonce and PKCE verifier this answer's `state` was issued with, removed from the session so it
    works once; Refused("unknown_state") when the session never issued it."""
    states = request.session.get("oidc_states") or {}
    entry = states.pop(request.GET.get("state", ""), None)
    request.session["oidc_states"] = states
    if not entry or not request.GET.get("code"):
        raise Refused("unknown_state", "state not issued by this session, or no code")
    return entry


@never_cache
def callback(request: HttpRequest) -> HttpResponse:
    """The provider's answer: check it, find the account, align its seats, sign the person in."""
    if not config.is_enabled():
        raise Http404(_("Single sign-on is not set up here."))
    claims: dict | None = None
    try:
        _limit(request)
        if request.GET.get("error"):
            raise Refused("provider_error", request.GET.get("error", "")[:100])
        entry = _take_state(request)
        backend = Backend()
        backend.request = request
        tokens = backend.get_token({
            "client_id": settings.SSO_OIDC_CLIENT_ID, "client_secret": settings.SSO_OIDC_CLIENT_SECRET,
            "grant_type": "authorization_code", "code": request.GET["code"],
            "redirect_uri": request.build_absolute_uri(reverse("sso:callback")),
            "code_verifier": entry.get("code_verifier") or ""})
        claims = backend.verify_id_token(str(tokens.get("id_token", "")), nonce=entry.get("nonce", ""))
        user, changes = services.sign_in(claims, client=client_ip(request))
        if not services.has_staff_seat(user):
            return _refused(request, Refused("no_seat", "no seat after aligning groups"), claims=claims, user=user)
    except Refused as refused:
        return _refused(request, refused, claims=claims)
    except requests.RequestException as exc:
        return _refused(request, Refused("provider_unreachable", str(exc)), claims=claims)
    next_url = request.session.get("oidc_login_next") or reverse("staff:queues")
    auth.login(request, user, backend=SESSION_BACKEND)
    device, _created = StaticDevice.objects.get_or_create(user=user, name=SSO_DEVICE_NAME,
                                                          defaults={"confirmed": True})
    otp_login(request, device)
    services.audit("sso.signed_in", user=user, data={
        "client": client_ip(request), "subject": str(claims.get("sub", "")),
        "seats_added": len(changes["added"]), "seats_removed": len(changes["removed"])})
    return redirect(next_url)


# --- The mapping table in the staff console ----------------------------------------------------------------------

def _admin_jurisdictions(user):
    """Jurisdictions whose single sign-on table `user` may edit: a jurisdiction admin's own; every one for
    superusers. PermissionDenied when none (and VerificationRequired before two-factor)."""
    from civicdesk.jurisdictions.models import Jurisdiction

    access.require_staff(user)
    places = Jurisdiction.objects.filter(is_active=True).order_by("name", "id")
    if not user.is_superuser:
        places = places.filter(pk__in={seat.jurisdiction_id for seat in access.seats(user)
                                       if seat.role == access.Role.ADMIN})
    if not places.exists():
        raise PermissionDenied(_("Only jurisdiction administrators may edit single sign-on."))
    return places


@never_cache
def mappings(request: HttpRequest) -> HttpResponse:
    """The table of group claims → seats, a form to add a row, and each jurisdiction's sign-in rules."""
    places = _admin_jurisdictions(request.user)
    form = RoleMappingForm(request.POST or None, jurisdictions=places)
    if request.method == "POST" and form.is_valid():
        mapping = form.save()
        mapping.log_action("sso.mapping_added", user=request.user, data={
            "claim_value": mapping.claim_value, "department": mapping.department_id, "role": mapping.role})
        messages.success(request, _("Mapping added. It applies at each person's next single sign-on."))
        return redirect("sso:mappings")
    rows = (SsoRoleMapping.objects.filter(jurisdiction__in=places)
            .select_related("jurisdiction", "department"))
    policies = {p.jurisdiction_id: p for p in SsoJurisdictionPolicy.objects.filter(jurisdiction__in=places)}
    rules = [(place, PolicyForm(instance=policies.get(place.pk) or SsoJurisdictionPolicy(jurisdiction=place),
                                prefix=f"j{place.pk}")) for place in places]
    return render(request, "sso/mappings.html", {
        "form": form, "rows": rows, "rules": rules, "enabled": config.is_enabled(),
        "provider": settings.SSO_OIDC_PROVIDER_NAME, "groups_claim": settings.SSO_OIDC_GROUPS_CLAIM,
        "status": 400 if form.errors else 200}, status=400 if form.errors else 200)


@require_POST
def delete_mapping(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove one row; seats it gave are removed at each holder's next single sign-on."""
    places = _admin_jurisdictions(request.user)
    mapping = get_object_or_404(SsoRoleMapping, pk=pk, jurisdiction__in=places)
    mapping.log_action("sso.mapping_removed", user=request.user, data={
        "claim_value": mapping.claim_value, "department": mapping.department_id, "role": mapping.role})
    mapping.delete()
    messages.success(request, _("Mapping removed."))
    return redirect("sso:mappings")


@require_POST
def save_policy(request: HttpRequest, jurisdiction_id: int) -> HttpResponse:
    """Save one jurisdiction's sign-in rules (passwords allowed, accounts created)."""
    place = get_object_or_404(_admin_jurisdictions(request.user), pk=jurisdiction_id)
    policy = SsoJurisdictionPolicy.objects.filter(jurisdiction=place).first() or SsoJurisdictionPolicy(
        jurisdiction=place)
    form = PolicyForm(request.POST, instance=policy, prefix=f"j{place.pk}")
    if form.is_valid():
        policy = form.save()
        policy.log_action("sso.rules_changed", user=request.user, data={
            "passwords_allowed": policy.passwords_allowed, "create_accounts": policy.create_accounts})
        messages.success(request, _("Sign-in rules saved for %(place)s.") % {"place": place})
    return redirect("sso:mappings")
